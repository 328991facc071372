package dev.envelope.testkit.junit;

/**
 * How long a fixture of the test kit lives: the extensions of {@link dev.envelope.testkit.junit}
 * start a fixture once for a test class (shared by its tests and its {@code @Nested} classes) or
 * once for each test, and stop it afterwards.
 */
public enum Lifecycle {
  /**
   * One fixture for the top-level test class and its {@code @Nested} classes, started before its
   * first test ({@code @BeforeAll} methods and constructors may inject it) and stopped after its
   * last. The default: starting a fixture costs a little (an HTTP server, a key store, a token key).
   */
  PER_CLASS,

  /**
   * A fresh fixture for each test, started before its {@code @BeforeEach} methods and stopped after
   * its {@code @AfterEach} methods. Tests cannot see each other's keys or state.
   */
  PER_TEST
}
