package dev.envelope.local;

import java.util.Objects;

/**
 * Argon2id cost parameters for deriving a key store's KEK from a passphrase (RFC 9106). They are
 * stored in the store's metadata with the salt, so a store always opens with the parameters it was
 * created with. Immutable.
 *
 * <p>The {@linkplain #defaults() defaults} follow RFC 9106's second recommended option (64 MiB,
 * 3 passes, 4 lanes): about a quarter to half a second on a current server core with Bouncy
 * Castle. {@link #insecureForTests()} exists so test suites stay fast; never use it for real keys.
 */
public final class PassphraseKdfParameters {
  /**
   * Upper bounds, also applied to parameters read from a store file before running the KDF, so a
   * tampered store file cannot make opening it allocate or compute without bound. 2 GiB is RFC
   * 9106's first recommended option (2 GiB, 1 pass).
   */
  public static final int MAX_MEMORY_KIB = 2 * 1024 * 1024;
  public static final int MAX_ITERATIONS = 64;
  public static final int MAX_PARALLELISM = 64;
  /**
   * The most work: memory (KiB) × iterations, 4 GiB-passes (e.g. 2 GiB × 2, 64 MiB × 64; the
   * defaults are 192 MiB-passes).
   */
  public static final long MAX_WORK_KIB = 4L * 1024 * 1024;

  private static final PassphraseKdfParameters DEFAULTS = new PassphraseKdfParameters(64 * 1024, 3, 4);
  private static final PassphraseKdfParameters TESTS = new PassphraseKdfParameters(64, 1, 1);

  private final int memoryKib;
  private final int iterations;
  private final int parallelism;

  private PassphraseKdfParameters(int memoryKib, int iterations, int parallelism) {
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /** 64 MiB of memory, 3 iterations, parallelism 4. */
  public static PassphraseKdfParameters defaults() {
    return DEFAULTS;
  }

  /**
   * 64 KiB, 1 iteration, parallelism 1: milliseconds instead of half a second. Offers next to no
   * protection against passphrase guessing; for tests only.
   */
  public static PassphraseKdfParameters insecureForTests() {
    return TESTS;
  }

  /**
   * Custom parameters.
   *
   * @throws IllegalArgumentException if a value is out of range: memory 8 × parallelism KiB to
   *     {@value #MAX_MEMORY_KIB} KiB, iterations 1 to {@value #MAX_ITERATIONS}, parallelism 1 to
   *     {@value #MAX_PARALLELISM}, memory × iterations at most {@value #MAX_WORK_KIB} KiB
   */
  public static PassphraseKdfParameters of(int memoryKib, int iterations, int parallelism) {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException("Argon2 parallelism must be 1 to " + MAX_PARALLELISM + ": " + parallelism);
    }
    if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException(
          "Argon2 memory must be " + 8 * parallelism + " to " + MAX_MEMORY_KIB + " KiB: " + memoryKib);
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("Argon2 iterations must be 1 to " + MAX_ITERATIONS + ": " + iterations);
    }
    if ((long) memoryKib * iterations > MAX_WORK_KIB) {
      throw new IllegalArgumentException("Argon2 memory × iterations must be at most " + MAX_WORK_KIB + " KiB: "
          + memoryKib + " KiB × " + iterations);
    }
    return new PassphraseKdfParameters(memoryKib, iterations, parallelism);
  }

  public int memoryKib() {
    return memoryKib;
  }

  public int iterations() {
    return iterations;
  }

  public int parallelism() {
    return parallelism;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PassphraseKdfParameters
        && ((PassphraseKdfParameters) o).memoryKib == memoryKib
        && ((PassphraseKdfParameters) o).iterations == iterations
        && ((PassphraseKdfParameters) o).parallelism == parallelism;
  }

  @Override
  public int hashCode() {
    return Objects.hash(memoryKib, iterations, parallelism);
  }

  @Override
  public String toString() {
    return "Argon2id[m=" + memoryKib + " KiB, t=" + iterations + ", p=" + parallelism + "]";
  }
}
