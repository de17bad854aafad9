import { describe, expect, it } from "vitest";
import { conceptOfStem, CONCEPTS } from "@/lib/guard/injection/concepts";
import { injectionVerdict } from "@/lib/guard/injection/policy";
import { blockReasons, refusalMessage } from "@/lib/guard/injection/reasons";
import { fnv1a } from "@/lib/guard/injection/tokenize";

// The policy that turns a score into a verdict, the words a refused person reads, and the concept
// lexicon's stems, which must not catch unrelated words that share their first letters.

const T = { flag: 0.5, block: 0.7, blockAlone: 0.99 };

describe("injectionVerdict", () => {
  it("blocks on the model's word alone only when it is all but certain", () => {
    expect(injectionVerdict({ score: 0.98, signals: ["classifier"] }, T)).toBe("flag");
    expect(injectionVerdict({ score: 0.99, signals: ["classifier"] }, T)).toBe("block");
  });

  it("blocks lower when a named signal agrees; the classifier is no such signal", () => {
    expect(injectionVerdict({ score: 0.75, signals: ["extraction", "classifier"] }, T)).toBe("block");
    expect(injectionVerdict({ score: 0.75, signals: ["tag_smuggling"] }, T)).toBe("block");
    expect(injectionVerdict({ score: 0.75, signals: ["classifier"] }, T)).toBe("flag");
    expect(injectionVerdict({ score: 0.69, signals: ["override"] }, T)).toBe("flag");
  });

  it("flags an unmistakable pattern match whatever the score, and allows the rest below the flag threshold", () => {
    expect(injectionVerdict({ score: 0.2, signals: ["override"], strong: ["override"] }, T)).toBe("flag");
    expect(injectionVerdict({ score: 0.2, signals: ["override"], strong: [] }, T)).toBe("allow");
    expect(injectionVerdict({ score: 0.49, signals: [] }, T)).toBe("allow");
  });
});

describe("the refusal's reason", () => {
  it("says what the message does, in words, for the strongest two signals", () => {
    expect(refusalMessage(["extraction", "classifier"])).toBe(
      "This message was not sent because it asks for the assistant's hidden instructions or secrets, and closely resembles known prompt-injection attacks. If you meant something else, please rephrase it.",
    );
    expect(blockReasons(["override", "extraction", "roleplay_jailbreak"])).toHaveLength(2);
  });

  it("speaks of the earlier message when the attack sat in the history (the relay)", () => {
    expect(refusalMessage(["override", "earlier_turn"])).toMatch(
      /^This message was not sent because an earlier message in this conversation tells the assistant to ignore/,
    );
    expect(refusalMessage(["template_tokens", "assistant_turn"])).toMatch(
      /^This message was not sent because an assistant message sent with it contains chat-format control tokens/,
    );
  });

  it("still says something useful when no signal has words", () => {
    expect(refusalMessage([])).toMatch(/looks like an attempt to take over the assistant/);
  });
});

describe("concept stems", () => {
  const conceptOf = (word: string) => {
    const w = word.normalize("NFKC").toLowerCase();
    const id = conceptOfStem({ view: w, start: 0, end: w.length, hash5: fnv1a(w.slice(0, 5)) });
    return id === 0 ? null : CONCEPTS[id - 1];
  };

  it("match the whole stem", () => {
    expect(conceptOf("confidential")).toBe("secret");
    expect(conceptOf("instructions")).toBe("instructions");
    expect(conceptOf("instrucciones")).toBe("instructions");
    expect(conceptOf("Passwort")).toBe("secret");
  });

  it("do not catch words that merely share the first five letters", () => {
    expect(conceptOf("configure")).not.toBe("secret");
    expect(conceptOf("confirm")).not.toBe("secret");
    expect(conceptOf("protein")).not.toBe("restriction");
    expect(conceptOf("terminal")).not.toBe("threat");
    expect(conceptOf("passport")).not.toBe("secret");
    expect(conceptOf("thread")).not.toBe("threat");
    expect(conceptOf("translate")).not.toBe("send");
  });
});
