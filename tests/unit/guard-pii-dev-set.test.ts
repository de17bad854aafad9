import { describe, expect, it } from "vitest";
import { normalizeInput } from "@/lib/guard/normalize";
import { ENTITY_TYPES, PlaceholderMap } from "@/lib/guard/pii";
import { measureLabelled } from "../../scripts/lib/eval-pii-labelled";
import { buildNumberHeavyBenign, buildPiiDevSet } from "../../scripts/lib/pii-dev-set";

// The targets of issue 15 on our own seeded dev set (scripts/lib/pii-dev-set.ts), so that a change
// that loses a national phone layout, an IBAN grouping or a credential form fails here, not only
// in the report of `npm run eval:guards`.
describe("PII dev set", () => {
  const rows = buildPiiDevSet().map((row) => ({ text: row.text, spans: row.spans.map((s) => ({ ...s, label: s.type })) }));
  const result = measureLabelled(rows);

  it("is the same every time: built from a fixed seed", () => {
    expect(buildPiiDevSet()).toEqual(buildPiiDevSet());
    expect(buildNumberHeavyBenign()).toEqual(buildNumberHeavyBenign());
  });

  it.each(ENTITY_TYPES)("finds at least 97%% of its %s values", (type) => {
    const values = result.values.filter((v) => v.type === type);
    expect(values.length).toBeGreaterThanOrEqual(40);
    const missed = values.filter((v) => !v.found).map((v) => `${v.value} (${v.detected})`);
    expect(1 - missed.length / values.length, missed.join("; ")).toBeGreaterThanOrEqual(0.97);
  });

  it("detects nothing but the values it planted", () => {
    expect([...result.extra.keys()]).toEqual([]);
  });

  it("leaves at least 99% of its number-heavy benign texts unchanged", () => {
    const texts = buildNumberHeavyBenign();
    const changed = texts.filter((text) => {
      const normalized = normalizeInput(text).text;
      return new PlaceholderMap().redact(normalized).text !== normalized;
    });
    expect(changed.length / texts.length, changed.join("\n")).toBeLessThanOrEqual(0.01);
  });
});
