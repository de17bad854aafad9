import { ApiError } from "@/lib/errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The `:id` of a key route; anything that is not a key id reads as a key that does not exist. */
export function keyIdOrThrow(params: Record<string, string>): string {
  const id = params.id ?? "";
  if (!UUID.test(id)) throw new ApiError("api_key_not_found", "That API key does not exist. It may have been revoked already.");
  return id;
}
