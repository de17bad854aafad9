"use client";

import { useMemo, useRef, useState, type DragEvent } from "react";

const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes("Files");

/**
 * Files dragged onto the element that spreads `handlers` go to `onFiles`; `dragging` is true while
 * files are over it (for the overlay). Without `onFiles`, no handlers: a drop does what it always did.
 */
export function useFileDrop(onFiles: ((files: File[]) => void) | undefined) {
  const [dragging, setDragging] = useState(false);
  // dragenter and dragleave fire for every child crossed: count them, to know when the drag left.
  const depth = useRef(0);

  const handlers = useMemo(() => {
    if (!onFiles) return undefined;
    const leave = () => {
      depth.current = 0;
      setDragging(false);
    };
    return {
      onDragEnter: (event: DragEvent) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current++;
        setDragging(true);
      },
      // Without this the browser would open the file in place of the chat.
      onDragOver: (event: DragEvent) => {
        if (hasFiles(event)) event.preventDefault();
      },
      onDragLeave: (event: DragEvent) => {
        if (hasFiles(event) && --depth.current <= 0) leave();
      },
      onDrop: (event: DragEvent) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        leave();
        onFiles([...event.dataTransfer.files]);
      },
    };
  }, [onFiles]);

  return { dragging, handlers };
}
