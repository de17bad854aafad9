/**
 * The answer of a classifier the deployer runs on their own host (for example a Prompt Guard model
 * behind a small HTTP service), asked for a second opinion on a flagged message (the request is made
 * by lib/chat/second-opinion.ts).
 *
 * Request:  POST {url}  {"text": "..."}  (Authorization: Bearer {token} when one is set)
 * Response: 200 with a JSON object holding any one of
 *           {"attack": true|false}                       a verdict,
 *           {"score": 0..1}                              the probability of an attack (attack at >= 0.5),
 *           {"label": "BENIGN"|"INJECTION"|"JAILBREAK"}  a label (anything but BENIGN/SAFE is an attack;
 *                                                        a "score" beside it is the label's confidence).
 * Anything else (a status other than 200, a body that is not such an object, a timeout) is no answer,
 * and the deployment's GUARD_INJECTION_JUDGE_ON_ERROR decides.
 */
import { z } from "zod";
import type { JudgeAnswer } from "./prompt";

const Reply = z.object({
  attack: z.boolean().optional(),
  score: z.number().min(0).max(1).optional(),
  label: z.string().max(64).optional(),
});

const BENIGN_LABELS = new Set(["BENIGN", "SAFE", "LEGIT", "LEGITIMATE", "NEGATIVE", "0"]);

/** Reads a classifier's reply body; null when it holds no verdict. */
export function readClassifierReply(body: unknown): JudgeAnswer | null {
  const parsed = Reply.safeParse(body);
  if (!parsed.success) return null;
  const { attack, score, label } = parsed.data;
  if (attack !== undefined) return { attack, confidence: score };
  // A label decides when there is one; its score is then the confidence in that label (Prompt Guard's
  // {"label": "BENIGN", "score": 0.99} is a confident "benign").
  if (label !== undefined) return { attack: !BENIGN_LABELS.has(label.trim().toUpperCase()), confidence: score };
  if (score !== undefined) return { attack: score >= 0.5, confidence: score };
  return null;
}
