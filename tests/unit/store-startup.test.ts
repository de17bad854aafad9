import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeStoreProblem } from "@/lib/startup";

/** A fetch failure as Node's undici reports it: the system error is the cause. */
const fetchFailure = (code: string, host: string) =>
  new TypeError("fetch failed", { cause: Object.assign(new Error(`getaddrinfo ${code} ${host}`), { code, hostname: host }) });

/** An ioredis connection error, as the client's "error" event hands it over. */
const connectionError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

const password = () => "zqxpw" + randomBytes(12).toString("hex");

describe("describeStoreProblem: Upstash", () => {
  it("stops on a refused token, naming UPSTASH_REDIS_REST_TOKEN", () => {
    for (const message of ["Unauthorized", "WRONGPASS invalid or missing auth token", "HTTP 401", "unauthorised", "invalid token"]) {
      const problem = describeStoreProblem("upstash", new Error(message));
      expect(problem.fatal, message).toBe(true);
      expect(problem.message).toContain("UPSTASH_REDIS_REST_TOKEN");
      expect(problem.message).not.toContain("UPSTASH_REDIS_REST_URL");
    }
  });

  it("stops on a host that does not exist, naming UPSTASH_REDIS_REST_URL", () => {
    const problem = describeStoreProblem("upstash", fetchFailure("ENOTFOUND", "zqx-typo.upstash.io"));
    expect(problem.fatal).toBe(true);
    expect(problem.message).toContain("UPSTASH_REDIS_REST_URL");
    expect(problem.message).not.toMatch(/zqx/);
  });

  it("finds the code a few causes deep", () => {
    const inner = fetchFailure("ENOTFOUND", "zqx.upstash.io");
    const wrapped = new Error("request failed", { cause: inner });
    expect(describeStoreProblem("upstash", wrapped).fatal).toBe(true);
  });

  it("carries on when Upstash is only unreachable (refused, reset, timed out, unknown)", () => {
    for (const error of [
      fetchFailure("ECONNREFUSED", "127.0.0.1"),
      fetchFailure("ECONNRESET", "eu1.upstash.io"),
      new Error("timed out"),
      new Error("The operation was aborted due to timeout"),
      "not even an Error",
      undefined,
    ]) {
      const problem = describeStoreProblem("upstash", error);
      expect(problem.fatal, String(error)).toBe(false);
      expect(problem.message).toContain("UPSTASH_REDIS_REST_URL");
      expect(problem.message).toMatch(/503/);
    }
  });

  it("never repeats the token, the URL or anything else from the error", () => {
    const token = password();
    const errors = [
      new Error(`Unauthorized: token ${token} rejected by https://${token}.upstash.io`),
      new TypeError("fetch failed", { cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${token}.upstash.io`), { code: "ENOTFOUND" }) }),
      new Error(`connect ECONNREFUSED https://default:${token}@eu1.upstash.io`),
    ];
    for (const error of errors) {
      const { message } = describeStoreProblem("upstash", error);
      expect(message).not.toContain(token);
      expect(message).not.toMatch(/zqx/);
    }
  });
});

describe("describeStoreProblem: Redis over TCP", () => {
  it("stops on a refused user name or password, named in the connection error, pointing at REDIS_URL", () => {
    const cases = [
      connectionError("WRONGPASS invalid username-password pair or user is disabled."),
      connectionError("NOAUTH Authentication required."),
      connectionError("ERR invalid password"),
    ];
    for (const error of cases) {
      const problem = describeStoreProblem("redis", new Error("Redis is not reachable (connection reconnecting)"), error);
      expect(problem.fatal, error.message).toBe(true);
      expect(problem.message).toMatch(/^REDIS_URL/);
      expect(problem.message).toMatch(/password/);
    }
  });

  it("also recognises an authentication failure in the request's own error", () => {
    expect(describeStoreProblem("redis", new Error("NOAUTH Authentication required.")).fatal).toBe(true);
  });

  it("stops on a host name that cannot be found, naming REDIS_URL", () => {
    const problem = describeStoreProblem("redis", new Error("Redis is not reachable"), connectionError("getaddrinfo ENOTFOUND zqx-redis", "ENOTFOUND"));
    expect(problem.fatal).toBe(true);
    expect(problem.message).toContain("REDIS_URL");
    expect(problem.message).not.toMatch(/zqx/);
  });

  it("carries on when the server is only unreachable: it may be starting", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH"]) {
      const problem = describeStoreProblem(
        "redis",
        new Error("Redis is not reachable (connection reconnecting)"),
        connectionError(`connect ${code} 10.0.0.5:6379`, code),
      );
      expect(problem.fatal, code).toBe(false);
      expect(problem.message).toContain("REDIS_URL");
      expect(problem.message).toMatch(/503/);
    }
    expect(describeStoreProblem("redis", new Error("timed out")).fatal).toBe(false);
    expect(describeStoreProblem("redis", new Error("timed out"), undefined).fatal).toBe(false);
  });

  it("never repeats the URL or the password from either error", () => {
    const secret = password();
    const url = `redis://default:${secret}@zqx-redis.internal:6379`;
    const cases: [unknown, (Error & { code?: string }) | undefined][] = [
      [new Error(`WRONGPASS for ${url}`), connectionError(`WRONGPASS invalid username-password pair (${secret})`)],
      [new Error(`Redis at ${url} is not reachable`), connectionError(`getaddrinfo ENOTFOUND zqx-redis.internal (${url})`, "ENOTFOUND")],
      [new Error(`Redis at ${url} is not reachable`), connectionError(`connect ECONNREFUSED ${url}`, "ECONNREFUSED")],
    ];
    for (const [error, connection] of cases) {
      const { message } = describeStoreProblem("redis", error, connection);
      expect(message).not.toContain(secret);
      expect(message).not.toContain(url);
      expect(message).not.toMatch(/zqx/);
    }
  });
});
