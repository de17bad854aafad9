import "server-only";
import type { Redis } from "@upstash/redis";
import { storeKey } from "../store/keys";
import { AUDIT_KINDS, type AuditEvent, type AuditInput, type AuditKind, type AuditLog, type AuditQuery } from "./types";
import { env } from "../env";
import { storeBackend, type StoreBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";

/**
 * The audit log on the store, append-only, metadata only.
 *
 *   <prefix>:audit  stream  one entry per event, field `e` = the event as JSON without id and time
 *
 * The stream id (`<ms>-<seq>`) is the event's id and carries its time, so ids are unique and ordered
 * on every instance without a clock of ours; XADD trims entries older than AUDIT_RETENTION_DAYS as it
 * goes (MINID, approximate: Redis drops whole nodes, so a few events may outlive the retention by a
 * little). In memory the same shape, capped at MEMORY_MAX_EVENTS. Reads go in pages of PAGE_SIZE, so
 * neither a filtered query nor an export ever loads the whole log.
 */
export const AUDIT_QUERY_MAX = 1_000;
const PAGE_SIZE = 500;
const MEMORY_MAX_EVENTS = 100_000;
const DAY_MS = 86_400_000;

export function createAuditLog(backend: StoreBackend, { retentionDays }: { retentionDays: number }): AuditLog {
  const retentionMs = retentionDays * DAY_MS;
  return backend.kind === "memory" ? new MemoryAuditLog(retentionMs) : new RedisAuditLog(backend.redis, storeKey(backend.prefix, "audit"), retentionMs);
}

/** Whether an event passes a query's filters (all but the limit). */
export function matchesQuery(event: AuditEvent, query: Omit<AuditQuery, "limit">): boolean {
  if (query.user !== undefined && event.user !== query.user) return false;
  const at = idTime(event.id);
  if (query.since !== undefined && at < query.since) return false;
  if (query.until !== undefined && at > query.until) return false;
  if (!query.kinds || query.kinds.length === 0) return true;
  return query.kinds.some((kind) => (kind.endsWith(".") ? event.kind.startsWith(kind) : event.kind === kind));
}

const cappedLimit = (limit: number) => (Number.isFinite(limit) ? Math.max(0, Math.min(AUDIT_QUERY_MAX, Math.floor(limit))) : 0);

/** The millisecond part of a stream id. */
const idTime = (id: string) => Number(id.slice(0, id.indexOf("-")));

function toEvent(id: string, input: AuditInput): AuditEvent {
  return { id, time: new Date(idTime(id)).toISOString(), ...input };
}

/** Only the vocabulary's fields, without undefined ones: what is stored is exactly what the types allow. */
function stored(input: AuditInput): AuditInput {
  const out: AuditInput = { kind: input.kind };
  for (const field of ["user", "actor", "apiKey", "route", "requestId", "reason", "tool", "argsHash"] as const)
    if (typeof input[field] === "string") out[field] = input[field];
  if (Array.isArray(input.signals)) out.signals = input.signals.map(String);
  for (const field of ["score", "count"] as const) if (Number.isFinite(input[field])) out[field] = input[field];
  return out;
}

/** A stored entry back into an input; an entry this code did not write (or a kind since removed) is skipped. */
function parseStored(value: unknown): AuditInput | undefined {
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const input = parsed as AuditInput;
  return (AUDIT_KINDS as readonly string[]).includes(input.kind) ? stored({ ...input, kind: input.kind as AuditKind }) : undefined;
}

class RedisAuditLog implements AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly retentionMs: number,
  ) {}

  async append(event: AuditInput, now = Date.now()) {
    const input = stored(event);
    const id = await this.redis.xadd(
      this.key,
      "*",
      { e: JSON.stringify(input) },
      { trim: { type: "MINID", comparison: "~", threshold: String(now - this.retentionMs) } },
    );
    return toEvent(String(id), input);
  }

  async recent(query: AuditQuery) {
    const limit = cappedLimit(query.limit);
    const found: AuditEvent[] = [];
    if (limit === 0) return found;
    // An id of only milliseconds means `ms-0` as a start and `ms-<max>` as an end: both bounds inclusive.
    const start = query.since === undefined ? "-" : String(query.since);
    let end = query.until === undefined ? "+" : String(query.until);
    for (;;) {
      const page = Object.entries(await this.redis.xrevrange(this.key, end, start, PAGE_SIZE));
      for (const [id, fields] of page) {
        const input = parseStored(fields.e);
        if (!input) continue;
        const event = toEvent(id, input);
        if (matchesQuery(event, query)) found.push(event);
        if (found.length >= limit) return found;
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE_SIZE) return found;
      end = `(${last[0]}`;
    }
  }

  async *range({ since, until }: { since: number; until: number }) {
    let start = String(since);
    for (;;) {
      const page = Object.entries(await this.redis.xrange(this.key, start, String(until), PAGE_SIZE));
      for (const [id, fields] of page) {
        const input = parseStored(fields.e);
        if (input) yield toEvent(id, input);
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE_SIZE) return;
      start = `(${last[0]}`;
    }
  }
}

/** In this process: ids like Redis's (`<ms>-<seq>`, never going backwards), oldest first in one array. */
class MemoryAuditLog implements AuditLog {
  private readonly events: AuditEvent[] = [];
  private last = { ms: 0, seq: 0 };

  constructor(private readonly retentionMs: number) {}

  async append(event: AuditInput, now = Date.now()) {
    this.last = now > this.last.ms ? { ms: now, seq: 0 } : { ms: this.last.ms, seq: this.last.seq + 1 };
    const entry = toEvent(`${this.last.ms}-${this.last.seq}`, stored(event));
    this.events.push(entry);
    this.prune(now);
    return structuredClone(entry);
  }

  private prune(now: number) {
    const cutoff = now - this.retentionMs;
    let expired = 0;
    while (expired < this.events.length && idTime(this.events[expired]!.id) < cutoff) expired++;
    expired = Math.max(expired, this.events.length - MEMORY_MAX_EVENTS);
    if (expired > 0) this.events.splice(0, expired);
  }

  async recent(query: AuditQuery) {
    const limit = cappedLimit(query.limit);
    const found: AuditEvent[] = [];
    for (let i = this.events.length - 1; i >= 0 && found.length < limit; i--) {
      const event = this.events[i]!;
      if (query.since !== undefined && idTime(event.id) < query.since) break;
      if (matchesQuery(event, query)) found.push(structuredClone(event));
    }
    return found;
  }

  async *range({ since, until }: { since: number; until: number }) {
    // A snapshot of the window, so appends during a long export neither repeat nor skip events.
    const window = this.events.filter((event) => matchesQuery(event, { since, until }));
    for (const event of window) yield structuredClone(event);
  }
}

/** The audit log of this process, on the configured backend (kept AUDIT_RETENTION_DAYS). */
export function auditLog(): Promise<AuditLog> {
  return oncePerProcess("store.audit", async () => createAuditLog(await storeBackend(), { retentionDays: env().audit.retentionDays }));
}
