package dev.envelope.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a command opened and must close when it ends, whatever the outcome: key stores (closing
 * one flushes its audit log). Closed in reverse order of opening; a failure to close one does not
 * stop the others.
 */
final class Resources implements AutoCloseable {
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** Registers {@code resource} to be closed by {@link #close()} and returns it. */
  <T extends AutoCloseable> T add(T resource) {
    opened.push(resource);
    return resource;
  }

  @Override
  public void close() {
    RuntimeException first = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
