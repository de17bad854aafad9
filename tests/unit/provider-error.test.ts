import { describe, expect, it } from "vitest";
import { failureForStatus, ProviderError, toApiError, type ProviderFailure } from "@/lib/ai/provider-error";

describe("failureForStatus", () => {
  it.each([
    [401, "auth"],
    [403, "auth"],
    [429, "rate_limited"],
    [408, "timeout"],
    [500, "server"],
    [502, "server"],
    [503, "server"],
    [529, "server"],
    [400, "rejected"],
    [404, "rejected"],
    [413, "rejected"],
    [422, "rejected"],
  ] as [number, ProviderFailure][])("classifies HTTP %i as %s", (status, kind) => {
    expect(failureForStatus(status)).toBe(kind);
  });
});

describe("toApiError", () => {
  it.each([
    ["auth", "provider_auth", 502],
    ["rate_limited", "provider_busy", 503],
    ["timeout", "provider_timeout", 504],
    ["server", "provider_error", 502],
    ["connection", "provider_error", 502],
    ["aborted", "provider_error", 502],
    ["rejected", "provider_rejected", 502],
  ] as [ProviderFailure, string, number][])("answers a %s failure with %s (%i)", (kind, code, status) => {
    const error = toApiError(new ProviderError(kind, undefined));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it("never passes the provider's words to the user", () => {
    const kinds: ProviderFailure[] = ["auth", "rate_limited", "rejected", "server", "timeout", "connection", "aborted"];
    for (const kind of kinds) {
      const message = toApiError(new ProviderError(kind, 500)).message;
      expect(message).not.toMatch(/HTTP|\b\d{3}\b|sk-|key:|provider failure/i);
      expect(message.length).toBeGreaterThan(20);
    }
  });

  it("maps the statuses a provider answers with to the right user-facing codes", () => {
    const codeFor = (status: number) => toApiError(new ProviderError(failureForStatus(status), status)).code;
    expect(codeFor(401)).toBe("provider_auth");
    expect(codeFor(429)).toBe("provider_busy");
    expect(codeFor(408)).toBe("provider_timeout");
    expect(codeFor(503)).toBe("provider_error");
    expect(codeFor(400)).toBe("provider_rejected");
  });
});

describe("ProviderError", () => {
  it("carries only the kind and the status, never a provider's message", () => {
    const error = new ProviderError("auth", 401);
    expect(error.name).toBe("ProviderError");
    expect(error.kind).toBe("auth");
    expect(error.status).toBe(401);
    expect(error.message).toBe("provider failure: auth (HTTP 401)");
    expect(new ProviderError("connection", undefined).message).toBe("provider failure: connection");
  });
});
