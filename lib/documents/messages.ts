import { formatBytes } from "../format-bytes";

/**
 * The sentences of the upload refusals the browser also says before uploading (a file over the cap,
 * one draft too many), written once so the page and the server cannot word them differently. Pure
 * and free of server imports: the chat page imports them.
 */
export const fileTooLargeMessage = (maxBytes: number) =>
  `This file is larger than ${formatBytes(maxBytes)}, the most that can be attached. Attach a smaller file, or the part you need.`;

export const tooManyDraftsMessage = (max: number) =>
  `You already have ${max === 1 ? "1 document" : `${max} documents`} attached and not yet sent, the most a message can carry. Send them or remove one, then attach this file again.`;
