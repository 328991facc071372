package dev.envelope.testing;

import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.SoftHsm2;
import dev.envelope.pkcs11.Pkcs11Token;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real SoftHSM2 for the examples' PKCS#11 tests, set up once per JVM before anything loads the
 * library (SoftHSM reads its tokens when the library is initialized): its own configuration file
 * at the path in {@code SOFTHSM2_CONF} (examples/pom.xml sets it to {@code target/softhsm/softhsm2.conf};
 * CLI processes started by the tests inherit it) and fresh tokens made with {@code softhsm2-util}.
 *
 * <ul>
 *   <li>{@link #CLI_TOKEN}: an AES key {@link #AES_KEY} and an RSA key pair {@link #RSA_KEY},
 *       generated in the token (non-extractable).
 *   <li>{@link #PIN_TOKEN}: never logged in to with the right PIN. PKCS#11 login state is per
 *       process, so a wrong PIN can only be seen on a token this JVM has not logged in to.
 *   <li>{@link #SAMPLE_TOKEN}, {@link #SAMPLE_MAIN_TOKEN}: empty, for the PKCS#11 sample to create
 *       its own key in (one per test, so neither depends on the other's order).
 * </ul>
 *
 * When SoftHSM2 is missing the tests fail, never skip: with an install hint, and saying so plainly
 * when the {@code CI} variable is set.
 */
public final class SoftHsm {
  public static final String CLI_TOKEN = "cli-main";
  public static final String PIN_TOKEN = "cli-pin";
  public static final String SAMPLE_TOKEN = "sample";
  public static final String SAMPLE_MAIN_TOKEN = "sample-main";
  /** The user PIN of every token (TEST ONLY). */
  public static final String USER_PIN = "test-user-pin-4321";
  private static final String SO_PIN = "test-so-pin-8765";

  public static final String AES_KEY = "cli-aes";
  public static final String RSA_KEY = "cli-rsa";

  private static final Object SETUP;

  static {
    Object result;
    try {
      result = new SoftHsm();
    } catch (Throwable t) {
      result = t;
    }
    SETUP = result;
  }

  private final SoftHsm2 softHsm;

  /** The fixture; fails the calling test (every time) if SoftHSM2 could not be set up. */
  public static SoftHsm get() {
    if (SETUP instanceof SoftHsm) {
      return (SoftHsm) SETUP;
    }
    Throwable failure = (Throwable) SETUP;
    throw new AssertionError(failure.getMessage(), failure);
  }

  private SoftHsm() throws Exception {
    softHsm = SoftHsm2.prepare("examples/pom.xml");
    for (String label : List.of(CLI_TOKEN, PIN_TOKEN, SAMPLE_TOKEN, SAMPLE_MAIN_TOKEN)) {
      softHsm.initToken(label, SO_PIN, USER_PIN);
    }
    Pkcs11Token token = Pkcs11Token.open(config(CLI_TOKEN).build());
    token.createAesKey(AES_KEY);
    token.createRsaKeyPair(RSA_KEY, 2048);
  }

  /** The SoftHSM2 PKCS#11 library. */
  public Path library() {
    return softHsm.library();
  }

  /** The environment a CLI process needs to reach these tokens (their configuration file). */
  public Map<String, String> environment() {
    return Map.of("SOFTHSM2_CONF", softHsm.configuration().toString());
  }

  /** A configuration for the token labelled {@code label}, with the test user PIN. */
  public Pkcs11Config.Builder config(String label) {
    return Pkcs11Config.builder().library(softHsm.library()).tokenLabel(label).pin(USER_PIN::toCharArray);
  }

  /**
   * The position of the token labelled {@code label} in the library's slot list, as {@code
   * softhsm2-util --show-slots} lists the slots (the order of {@code C_GetSlotList}).
   */
  public int slotIndex(String label) {
    try {
      String[] lines = softHsm.run("--show-slots").split("\n");
      int index = -1;
      for (String line : lines) {
        String t = line.strip();
        if (t.startsWith("Slot ") && !t.startsWith("Slot info")) {
          index++;
        } else if (t.startsWith("Label:") && t.substring("Label:".length()).strip().equals(label)) {
          return index;
        }
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("softhsm2-util --show-slots failed", e);
    }
    throw new IllegalStateException("no slot holds a token labelled " + label);
  }
}
