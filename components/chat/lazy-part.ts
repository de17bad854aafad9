import { lazy, type ComponentType } from "react";

const Nothing = () => null;

/**
 * A component fetched the first time it renders (React.lazy), to keep it out of the chat's first
 * load. If the fetch fails (offline, or a new deployment removed the old chunk) it renders nothing,
 * rather than taking the whole page down: there is no error boundary above the chat.
 */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(() =>
    load().then(
      (component) => ({ default: component }),
      () => ({ default: Nothing }),
    ),
  );
}
