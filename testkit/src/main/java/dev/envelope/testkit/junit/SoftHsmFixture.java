package dev.envelope.testkit.junit;

import dev.envelope.keyring.RsaPadding;
import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.Pkcs11Exception;
import dev.envelope.pkcs11.Pkcs11Keyring;
import dev.envelope.pkcs11.Pkcs11Token;
import dev.envelope.testkit.internal.SoftHsmInstallation;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.opentest4j.TestAbortedException;

/**
 * A SoftHSM2 token with an AES key and a 2048-bit RSA key pair of their own, generated in the
 * token (non-extractable), and everything {@link Pkcs11Keyring} needs to use them: {@link
 * #config()} (library, token label, PIN), the open {@link #token()} and the key labels. Closing the
 * fixture destroys its keys. {@link SoftHsmExtension} injects it; outside JUnit Jupiter start one
 * with {@link #start()}.
 *
 * <h2>The token</h2>
 *
 * SoftHSM2 reads its configuration from the file named by the environment variable {@code
 * SOFTHSM2_CONF}, once, when the library is loaded; a JVM cannot set its own environment, and
 * SunPKCS11 never unloads a library. So the build sets {@code SOFTHSM2_CONF} to a scratch path (for
 * Maven, in maven-surefire-plugin's {@code <environmentVariables>}; see the README), and the kit,
 * on first use in the JVM, writes that file, creates one token {@value
 * SoftHsmInstallation#TOKEN_LABEL} with random PINs beside it and opens it (and a second one,
 * {@link #unopenedTokenLabel()}, that it never opens). Each fixture then adds
 * its own keys to that token, under labels no other fixture uses, and removes them when it closes.
 * Let the kit be the first to load SoftHSM2 in the test JVM. It never writes under {@code /etc} or
 * over a configuration file it did not write.
 *
 * <h2>Missing SoftHSM2</h2>
 *
 * When SoftHSM2 is not installed or {@code SOFTHSM2_CONF} is unset, {@link #start()} throws
 * JUnit's {@link TestAbortedException} (the test is skipped, with the reason), unless the build
 * says the tests must run: the system property {@value SoftHsmInstallation#REQUIRED_PROPERTY} is
 * {@code true}, or it is unset and the environment variable {@code CI} is set. Then it throws
 * {@link IllegalStateException} and the test fails.
 */
public final class SoftHsmFixture implements AutoCloseable {
  /** The key namespace (provider id) of the keyrings this fixture builds. */
  public static final String KEY_NAMESPACE = "envelope-testkit";
  /** The system property that makes SoftHSM2 tests fail instead of skip when it is missing. */
  public static final String REQUIRED_PROPERTY = SoftHsmInstallation.REQUIRED_PROPERTY;

  private final SoftHsmInstallation softHsm;
  private final String aesKeyLabel;
  private final String rsaKeyLabel;
  private boolean closed;

  private SoftHsmFixture(SoftHsmInstallation softHsm, String aesKeyLabel, String rsaKeyLabel) {
    this.softHsm = softHsm;
    this.aesKeyLabel = aesKeyLabel;
    this.rsaKeyLabel = rsaKeyLabel;
  }

  /**
   * Generates a fresh AES key and RSA key pair in the kit's token (setting the token up on first
   * use in the JVM).
   *
   * @throws TestAbortedException if SoftHSM2 is unavailable and not required
   * @throws IllegalStateException if it is unavailable but required, or cannot be set up
   */
  public static SoftHsmFixture start() {
    requireAvailable(unavailableReason(), isRequired(), SoftHsmInstallation.whyRequired());
    SoftHsmInstallation softHsm = SoftHsmInstallation.get();
    Pkcs11Token token = softHsm.token();
    String aes = softHsm.newLabel("aes");
    String rsa = softHsm.newLabel("rsa");
    token.createAesKey(aes);
    try {
      token.createRsaKeyPair(rsa, 2048);
    } catch (RuntimeException | Error e) {
      token.destroyKey(aes);
      throw e;
    }
    return new SoftHsmFixture(softHsm, aes, rsa);
  }

  /**
   * Returns if SoftHSM2 is available; otherwise skips ({@link TestAbortedException}) or, when
   * {@code required}, fails ({@link IllegalStateException}), with the reason.
   */
  static void requireAvailable(Optional<String> unavailable, boolean required, String whyRequired) {
    if (unavailable.isEmpty()) {
      return;
    }
    if (!required) {
      throw new TestAbortedException(unavailable.get());
    }
    throw new IllegalStateException("SoftHSM2 tests must run here (" + whyRequired + "), but " + unavailable.get());
  }

  /**
   * Why SoftHSM2 cannot run in this JVM (not installed, or {@code SOFTHSM2_CONF} not set), or empty
   * if it can.
   */
  public static Optional<String> unavailableReason() {
    return SoftHsmInstallation.unavailableReason();
  }

  /**
   * Whether the build requires SoftHSM2 tests to run: {@value
   * SoftHsmInstallation#REQUIRED_PROPERTY}{@code =true}, or that property unset and {@code CI} set.
   */
  public static boolean isRequired() {
    return SoftHsmInstallation.required();
  }

  /** The token, open and logged in (shared by the JVM's fixtures; it has no close). */
  public Pkcs11Token token() {
    return softHsm.token();
  }

  /**
   * A configuration that opens the token: {@link Pkcs11Config#library()}, the token label and a
   * PIN supplier. For an application's own code that opens a token from configuration.
   */
  public Pkcs11Config config() {
    return softHsm.config();
  }

  /** The SoftHSM2 PKCS#11 library. */
  public Path library() {
    return softHsm.library();
  }

  /** The label of the kit's token. */
  public String tokenLabel() {
    return SoftHsmInstallation.TOKEN_LABEL;
  }

  /**
   * The position of the kit's token in the SoftHSM2 library's slot list (the order of {@code
   * C_GetSlotList}), for code that selects a token by slot index instead of by label.
   */
  public int slotIndex() {
    return softHsm.slotIndex();
  }

  /**
   * The label of a second token of the kit, with the same PIN and no keys, that the kit never logs
   * in to: for a test that a wrong PIN is refused. PKCS#11 login state belongs to the process, so
   * a token this JVM has logged in to (such as {@link #tokenLabel()}) accepts any later login;
   * only a token nobody in the JVM has logged in to refuses a wrong PIN. Log in to it with the
   * right PIN in no test.
   */
  public String unopenedTokenLabel() {
    return SoftHsmInstallation.UNOPENED_TOKEN_LABEL;
  }

  /** A copy of the token's user PIN (random, TEST ONLY). */
  public char[] pin() {
    return softHsm.pin();
  }

  /**
   * The SoftHSM2 configuration file: a child process (an application's CLI under test) reaches the
   * token when its environment has {@code SOFTHSM2_CONF} set to it.
   */
  public Path softHsmConfiguration() {
    return softHsm.configuration();
  }

  /** The label of the fixture's AES-256 key. */
  public String aesKeyLabel() {
    return aesKeyLabel;
  }

  /** The label of the fixture's RSA-2048 key pair. */
  public String rsaKeyLabel() {
    return rsaKeyLabel;
  }

  /** A keyring that wraps data keys with AES-GCM inside the token, under the fixture's AES key. */
  public Pkcs11Keyring aesKeyring() {
    return Pkcs11Keyring.builder().token(token()).keyNamespace(KEY_NAMESPACE).keyLabel(aesKeyLabel).build();
  }

  /** A keyring over the fixture's RSA key pair with {@code padding} (prefer an OAEP padding). */
  public Pkcs11Keyring rsaKeyring(RsaPadding padding) {
    Objects.requireNonNull(padding, "padding");
    return Pkcs11Keyring.builder()
        .token(token()).keyNamespace(KEY_NAMESPACE).keyLabel(rsaKeyLabel).rsaPadding(padding).build();
  }

  /**
   * Destroys the fixture's keys, those the test did not destroy itself (the token stays for the
   * JVM's other fixtures).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      destroyIfPresent(aesKeyLabel);
    } finally {
      destroyIfPresent(rsaKeyLabel);
    }
  }

  private void destroyIfPresent(String label) {
    try {
      token().destroyKey(label);
    } catch (Pkcs11Exception e) {
      if (e.reason() != Pkcs11Exception.Reason.KEY_NOT_FOUND) {
        throw e;
      }
    }
  }

  @Override
  public String toString() {
    return "SoftHsmFixture{token " + tokenLabel() + ", keys " + aesKeyLabel + ", " + rsaKeyLabel + "}";
  }
}
