import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError, ERROR_STATUS, internalError, type ErrorCode } from "@/lib/errors";
import { API_HEADERS, errorResponse } from "@/lib/http/errors";
import { zodToApiError } from "@/lib/zod-error";

describe("ApiError", () => {
  it.each([
    ["cross_site", 403],
    ["unauthorized", 401],
    ["forbidden", 403],
    ["account_blocked", 403],
    ["unsupported_media_type", 415],
    ["payload_too_large", 413],
    ["method_not_allowed", 405],
    ["invalid_path", 400],
    ["invalid_json", 400],
    ["invalid_request", 400],
    ["not_found", 404],
    ["conversation_not_found", 404],
    ["rate_limited", 429],
    ["provider_auth", 502],
    ["provider_error", 502],
    ["provider_rejected", 502],
    ["provider_busy", 503],
    ["provider_timeout", 504],
    ["store_unavailable", 503],
    ["guard_unavailable", 503],
    ["prompt_rejected", 400],
    ["personal_data_rejected", 400],
    ["too_many_streams", 429],
    ["token_budget_exhausted", 429],
    ["spend_cap_reached", 429],
    ["internal_error", 500],
    ["invalid_api_key", 401],
    ["expired_api_key", 401],
    ["model_not_allowed", 403],
    ["api_key_not_found", 404],
    ["model_not_found", 404],
    ["api_keys_disabled", 404],
    ["too_many_api_keys", 409],
    ["note_limit_reached", 409],
    ["reply_blocked", 422],
    ["approval_not_found", 404],
    ["too_many_attachments", 409],
    ["attachment_not_found", 404],
    ["attachments_disabled", 404],
    ["file_too_large", 413],
    ["document_too_long", 413],
    ["unsupported_file_type", 415],
    ["ambiguous_file_type", 415],
    ["empty_file", 400],
    ["unreadable_file", 422],
    ["encrypted_pdf", 422],
  ] as [ErrorCode, number][])("answers %s with HTTP %i", (code, status) => {
    expect(ERROR_STATUS[code]).toBe(status);
    expect(new ApiError(code, "m").status).toBe(status);
  });

  it("covers every code in the table (a new code must get a test above)", () => {
    expect(Object.keys(ERROR_STATUS)).toHaveLength(46);
  });

  it("carries what a guard's refusal rests on, as signal names", () => {
    const error = new ApiError("prompt_rejected", "Not sent.", { signals: ["extraction", "classifier"] });
    expect(error.toBody()).toEqual({ error: { code: "prompt_rejected", message: "Not sent.", signals: ["extraction", "classifier"] } });
  });

  it("serialises as { error: { code, message } } with nothing else by default", () => {
    const error = new ApiError("not_found", "Nothing here.");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ApiError");
    expect(error.toBody()).toEqual({ error: { code: "not_found", message: "Nothing here." } });
  });

  it("adds fields and retryAfterSeconds when given, but never the extra headers", () => {
    const error = new ApiError("rate_limited", "Slow down.", {
      fields: { message: "is too long" },
      retryAfterSeconds: 0,
      headers: { "Retry-After": "0" },
    });
    expect(error.toBody()).toEqual({ error: { code: "rate_limited", message: "Slow down.", fields: { message: "is too long" }, retryAfterSeconds: 0 } });
    expect(JSON.stringify(error.toBody())).not.toContain("Retry-After");
  });
});

describe("errorResponse", () => {
  it("answers with the status, the JSON body, no-store and nosniff", async () => {
    const res = errorResponse(new ApiError("payload_too_large", "Too big."));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.json()).toEqual({ error: { code: "payload_too_large", message: "Too big." } });
    expect(API_HEADERS).toEqual({ "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
  });

  it("adds the error's own headers and the caller's", () => {
    const error = new ApiError("rate_limited", "Wait.", { retryAfterSeconds: 9, headers: { "Retry-After": "9" } });
    const res = errorResponse(error, { "X-Request-Id": "req-1" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("9");
    expect(res.headers.get("x-request-id")).toBe("req-1");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("says when to try again in a Retry-After header whenever the body does (a store outage, a guard outage)", () => {
    for (const code of ["store_unavailable", "guard_unavailable", "too_many_streams"] as const) {
      const res = errorResponse(new ApiError(code, "Try again soon.", { retryAfterSeconds: 5 }));
      expect(res.headers.get("retry-after")).toBe("5");
    }
    // Whole seconds, at least one: a client must never be told to retry at once or at 0.2 s.
    expect(errorResponse(new ApiError("rate_limited", "Wait.", { retryAfterSeconds: 0.2 })).headers.get("retry-after")).toBe("1");
    expect(errorResponse(new ApiError("not_found", "Nothing here.")).headers.get("retry-after")).toBeNull();
  });
});

describe("internalError", () => {
  it("is a 500 that says nothing about the server's internals", async () => {
    const error = internalError();
    expect(error.status).toBe(500);
    expect(error.code).toBe("internal_error");
    const body = await errorResponse(error).json();
    expect(Object.keys(body.error as object).sort()).toEqual(["code", "message"]);
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/stack|\bat \w|\.ts\b|\.js\b|node_modules|TypeError|ECONN|undefined|null/i);
  });
});

describe("zodToApiError", () => {
  const schema = z.strictObject({
    name: z.string({ error: "must be text" }).min(2, { error: "must be at least 2 characters" }),
    nested: z.strictObject({ count: z.number({ error: "must be a number" }) }).optional(),
  });
  const fail = (input: unknown) => {
    const result = schema.safeParse(input);
    if (result.success) throw new Error("expected the schema to refuse the input");
    return zodToApiError(result.error);
  };

  it("answers 400 invalid_request naming each unknown key as not accepted", () => {
    const error = fail({ name: "ok", role: "system", messages: [] });
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid_request");
    expect(error.extra.fields).toEqual({ role: "is not an accepted field", messages: "is not an accepted field" });
    expect(error.message).toContain('"role" is not an accepted field');
  });

  it("names nested fields by their dotted path", () => {
    expect(fail({ name: "ok", nested: { count: "x", extra: 1 } }).extra.fields).toEqual({
      "nested.count": "must be a number",
      "nested.extra": "is not an accepted field",
    });
  });

  it("calls a problem with the whole body 'body'", () => {
    expect(fail("just a string").extra.fields).toEqual({ body: expect.any(String) });
    expect(fail(null).extra.fields).toEqual({ body: expect.any(String) });
  });

  it("keeps one sentence per field and never echoes the input", () => {
    const marker = "zqx-" + "<script>alert(1)</script>";
    const error = fail({ name: 42, nested: { count: marker } });
    expect(error.extra.fields?.["nested.count"]).toBe("must be a number");
    expect(error.extra.fields?.name).toBe("must be text");
    const everything = JSON.stringify({ ...error.toBody(), message: error.message });
    expect(everything).not.toContain("zqx");
    expect(everything).not.toContain("42");
    expect(everything).not.toContain("<script>");
  });

  it("uses the schema's own message, not zod's issue dump", () => {
    const error = fail({ name: "a" });
    expect(error.extra.fields).toEqual({ name: "must be at least 2 characters" });
    expect(error.message).toBe('The request was not accepted: "name" must be at least 2 characters.');
  });
});
