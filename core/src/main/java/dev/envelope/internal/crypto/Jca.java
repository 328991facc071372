package dev.envelope.internal.crypto;

import java.lang.reflect.Method;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * Where every JCA primitive comes from. One place decides the provider: the Amazon Corretto
 * Crypto Provider (native AWS-LC) when it is on the class path and healthy, the JDK otherwise.
 *
 * <p>The system property {@value #PROVIDER_PROPERTY} overrides the choice: {@code jdk} never uses
 * ACCP, {@code accp} requires it (and fails at first use if it is missing), {@code auto} is the
 * default.
 *
 * <p>These static methods use {@link Primitives#defaults()}, the JVM-wide choice; an Envelope built
 * with {@code cryptoProvider(Provider)} uses its own {@link Primitives} for the message instead.
 *
 * <p>ECDSA has its own choice, {@link Ecdsa}: ACCP when chosen here, else Bouncy Castle where the
 * JDK's SunEC is known to be slower.
 *
 * <p>Cipher and MAC instances are expensive to look up and cheap to re-initialize, so each thread
 * keeps its own (never shared between threads; re-initialized with a fresh key and IV per use).
 */
public final class Jca {
  public static final String PROVIDER_PROPERTY = "dev.envelope.crypto.provider";
  private static final String ACCP_CLASS =
      "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

  private Jca() {}

  /** The preferred provider, or {@code null} when the JDK's default providers are used. */
  public static Provider provider() {
    return Primitives.defaults().provider();
  }

  /** This thread's AES-GCM cipher. Initialize it before every use. */
  public static Cipher aesGcm() {
    return Primitives.defaults().aesGcm();
  }

  /** This thread's HMAC for {@code algorithm} (HmacSHA256, HmacSHA384 or HmacSHA512). */
  public static Mac hmac(String algorithm) {
    return Primitives.defaults().hmac(algorithm);
  }

  /** This thread's CSPRNG. */
  public static SecureRandom random() {
    return Primitives.defaults().random();
  }

  /** A new cipher instance from the preferred provider. */
  public static Cipher cipher(String transformation) {
    return Primitives.defaults().cipher(transformation);
  }

  public static Mac mac(String algorithm) {
    return Primitives.defaults().mac(algorithm);
  }

  /** A new ECDSA signature instance from the process's {@link Ecdsa} engine. */
  public static Signature signature(String algorithm) {
    return Primitives.defaults().signature(algorithm);
  }

  /** A new EC key pair generator from the process's {@link Ecdsa} engine. */
  public static KeyPairGenerator ecKeyPairGenerator() {
    return Primitives.defaults().ecKeyPairGenerator();
  }

  /** The provider the system property asks for; read by {@link Primitives#defaults()} once. */
  static Provider chooseProvider() {
    String choice = System.getProperty(PROVIDER_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    switch (choice) {
      case "jdk":
        return null;
      case "accp":
        Provider required = loadAccp();
        if (required == null) {
          throw new IllegalStateException(
              PROVIDER_PROPERTY + "=accp, but the Amazon Corretto Crypto Provider is not on the"
                  + " class path or failed to load its native library");
        }
        return required;
      case "auto":
        return loadAccp();
      default:
        throw new IllegalStateException(
            PROVIDER_PROPERTY + " must be auto, jdk or accp, not '" + choice + "'");
    }
  }

  static Provider loadAccp() {
    try {
      Class<?> type = Class.forName(ACCP_CLASS, true, Jca.class.getClassLoader());
      Provider accp = (Provider) type.getField("INSTANCE").get(null);
      Method loadingError = type.getMethod("getLoadingError");
      return loadingError.invoke(accp) == null ? accp : null;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException absent) {
      return null;
    }
  }
}
