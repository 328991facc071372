package dev.envelope.internal.util;

import java.util.Locale;

/**
 * Builder checks in one place, as Caffeine's {@code Caffeine.requireState}: every set-once option
 * says so with the same words. Not exported.
 */
public final class Preconditions {
  private Preconditions() {}

  /**
   * Throws {@link IllegalStateException} with {@code String.format(template, args)} unless {@code
   * expression} holds.
   */
  public static void requireState(boolean expression, String template, Object... args) {
    if (!expression) {
      throw new IllegalStateException(String.format(Locale.ROOT, template, args));
    }
  }

  /** Throws {@code IllegalStateException("<name> was already set")} if {@code set}. */
  public static void requireUnset(boolean set, String name) {
    requireState(!set, "%s was already set", name);
  }
}
