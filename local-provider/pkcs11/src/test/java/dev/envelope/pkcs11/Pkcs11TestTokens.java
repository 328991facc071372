package dev.envelope.pkcs11;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real SoftHSM2 for the PKCS#11 tests: its own configuration file (the path in the JVM's
 * {@code SOFTHSM2_CONF}, which local-provider/pom.xml sets to {@code target/softhsm/softhsm2.conf})
 * and fresh tokens made with {@code softhsm2-util --init-token}, once per JVM and before anything
 * loads the library (SoftHSM reads its tokens when the library is initialized).
 *
 * <p>Tokens: {@link #MAIN_TOKEN} with the shared test keys; {@link #PIN_TOKEN}, which no test ever
 * logs in to with the right PIN (PKCS#11 login state is per process, so a wrong PIN is only
 * detectable on a token not yet logged in); {@link #LOGIN_TOKEN}, which one test logs in to.
 *
 * <p>When SoftHSM2 is missing the tests fail, never skip: with an install hint, and saying so
 * plainly when the {@code CI} variable is set.
 */
final class Pkcs11TestTokens {
  static final String MAIN_TOKEN = "envelope-test";
  static final String PIN_TOKEN = "envelope-pin-test";
  static final String LOGIN_TOKEN = "envelope-login-test";
  static final String USER_PIN = "test-user-pin-1234";
  private static final String SO_PIN = "test-so-pin-5678";

  /** A 256-bit AES key generated in the token (sensitive, non-extractable). */
  static final String AES_KEY = "aes-master";
  /** A 2048-bit RSA key pair generated in the token. */
  static final String RSA_KEY = "rsa-master";
  /** TEST ONLY: an AES key imported from the known bytes {@link #KNOWN_AES_BYTES}, for interop. */
  static final String TEST_ONLY_KNOWN_AES_KEY = "test-only-known-aes";
  /** TEST ONLY: an RSA key pair imported from {@link #knownRsaPair()}, for interop. */
  static final String TEST_ONLY_KNOWN_RSA_KEY = "test-only-known-rsa";
  /** TEST ONLY: an HMAC key, a secret key that is not AES. */
  static final String TEST_ONLY_HMAC_KEY = "test-only-hmac";

  /** TEST ONLY key bytes; a production key is generated inside the token and never known. */
  static final byte[] KNOWN_AES_BYTES =
      HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  private static final Object SETUP;

  static {
    Object result;
    try {
      result = new Pkcs11TestTokens();
    } catch (Throwable t) {
      result = t;
    }
    SETUP = result;
  }

  final Path library;
  final Path tokenDirectory;
  private final KeyPair knownRsaPair;
  private Pkcs11Token main;

  /** The shared fixture; fails the calling test (every time) if SoftHSM2 could not be set up. */
  static Pkcs11TestTokens get() {
    if (SETUP instanceof Pkcs11TestTokens) {
      return (Pkcs11TestTokens) SETUP;
    }
    Throwable failure = (Throwable) SETUP;
    throw new AssertionError(failure.getMessage(), failure);
  }

  private Pkcs11TestTokens() throws Exception {
    SoftHsm2 softHsm = SoftHsm2.prepare("local-provider/pom.xml");
    this.library = softHsm.library();
    this.tokenDirectory = softHsm.tokenDirectory();
    for (String label : List.of(MAIN_TOKEN, PIN_TOKEN, LOGIN_TOKEN)) {
      softHsm.initToken(label, SO_PIN, USER_PIN);
    }

    Pkcs11Token token = open(MAIN_TOKEN);
    token.createAesKey(AES_KEY);
    token.createRsaKeyPair(RSA_KEY, 2048);
    KeyStore keyStore = token.keyStore();
    // TEST ONLY keys from known material, imported through the SunPKCS11 key store.
    keyStore.setEntry(TEST_ONLY_KNOWN_AES_KEY,
        new KeyStore.SecretKeyEntry(new SecretKeySpec(KNOWN_AES_BYTES, "AES")), null);
    keyStore.setEntry(TEST_ONLY_HMAC_KEY,
        new KeyStore.SecretKeyEntry(new SecretKeySpec(KNOWN_AES_BYTES, "HmacSHA256")), null);
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    this.knownRsaPair = rsa.generateKeyPair();
    X509Certificate cert = SelfSignedCertificate.create(
        TEST_ONLY_KNOWN_RSA_KEY, knownRsaPair, Security.getProvider("SunRsaSign"), new SecureRandom());
    keyStore.setKeyEntry(TEST_ONLY_KNOWN_RSA_KEY, knownRsaPair.getPrivate(), null, new Certificate[] {cert});
    this.main = token;
  }

  /** The shared, open main token. */
  Pkcs11Token main() {
    return main;
  }

  /** TEST ONLY: the software RSA key pair also imported into the token as {@link #TEST_ONLY_KNOWN_RSA_KEY}. */
  KeyPair knownRsaPair() {
    return knownRsaPair;
  }

  /** A configuration for the token labelled {@code label}, with the test user PIN. */
  Pkcs11Config.Builder config(String label) {
    return Pkcs11Config.builder().library(library).tokenLabel(label).pin(USER_PIN::toCharArray);
  }

  Pkcs11Token open(String label) {
    return Pkcs11Token.open(config(label).build());
  }

  /** The slot list index of the token labelled {@code label}, as SunPKCS11 counts it. */
  int slotListIndex(String label) {
    return TokenDirectory.slots(library).stream().filter(s -> s.label().equals(label))
        .findFirst().orElseThrow().index();
  }
}
