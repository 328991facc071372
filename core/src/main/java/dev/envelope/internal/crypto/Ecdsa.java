package dev.envelope.internal.crypto;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Where ECDSA signatures and per-message signing key pairs come from. One engine serves the whole
 * process, chosen once when this class loads, from what is installed and never by timing:
 *
 * <ol>
 *   <li>the Amazon Corretto Crypto Provider, when {@link Jca} chose it (native AWS-LC, the fastest);
 *   <li>otherwise Bouncy Castle, when the JDK's own ECDSA is SunEC on a JDK up to {@value
 *       #LAST_JDK_WITH_SLOWER_SUNEC}: measured on JDK 17 and 25, SunEC's P-256 and P-384 key
 *       generation, signing and verification are 2-6x slower than Bouncy Castle's, which core
 *       already depends on;
 *   <li>otherwise the JDK's configured provider (a newer JDK, whose SunEC we have not measured, or a
 *       JDK whose ECDSA comes from another provider an administrator installed first, such as a
 *       FIPS module, which we never bypass).
 * </ol>
 *
 * <p>The system property {@value #PROPERTY} overrides the choice: {@code jdk}, {@code bc} or
 * {@code accp} (which fails at first use when ACCP is missing); {@code auto} is the default. Bouncy
 * Castle is used through a private {@link BouncyCastleProvider} instance passed to {@code
 * Signature.getInstance}; it is never registered with {@code Security}, so nothing else in the
 * process sees it. Its DER signatures are what every other engine writes and reads.
 */
public final class Ecdsa {
  /** The system property that picks the engine: auto, jdk, bc or accp. */
  public static final String PROPERTY = "dev.envelope.crypto.ecdsa";

  /** The newest JDK on which SunEC was measured slower than Bouncy Castle (JDK 25). */
  static final int LAST_JDK_WITH_SLOWER_SUNEC = 25;

  /** An implementation of ECDSA on P-256 and P-384. */
  public enum Engine {
    /** The JDK's configured providers (SunEC unless an administrator installed another first). */
    JDK,
    /** Bouncy Castle's ECDSA, through a private provider instance. */
    BOUNCY_CASTLE,
    /** The Amazon Corretto Crypto Provider (AWS-LC). */
    ACCP;

    /**
     * A new signature instance for {@code algorithm} ({@code SHA256withECDSA} or {@code
     * SHA384withECDSA}).
     */
    public Signature signature(String algorithm) {
      try {
        Provider provider = provider();
        return provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
      } catch (NoSuchAlgorithmException e) {
        throw new CryptoBugException(this + " lacks " + algorithm, e);
      }
    }

    /** A new, uninitialized EC key pair generator. */
    public KeyPairGenerator keyPairGenerator() {
      try {
        Provider provider = provider();
        return provider == null ? KeyPairGenerator.getInstance("EC") : KeyPairGenerator.getInstance("EC", provider);
      } catch (NoSuchAlgorithmException e) {
        throw new CryptoBugException(this + " lacks EC key generation", e);
      }
    }

    /** The provider instance, or {@code null} for the JDK's configured ones. */
    Provider provider() {
      switch (this) {
        case BOUNCY_CASTLE:
          return Bc.PROVIDER;
        case ACCP:
          Provider accp = Jca.provider() != null ? Jca.provider() : Jca.loadAccp();
          if (accp == null) {
            throw new IllegalStateException(
                PROPERTY + "=accp, but the Amazon Corretto Crypto Provider is not on the class path"
                    + " or failed to load its native library");
          }
          return accp;
        default:
          return null;
      }
    }
  }

  /** Created on first use only, so that processes on ACCP or the JDK never build it. */
  private static final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  private static final Engine DEFAULT = parse(System.getProperty(PROPERTY, "auto"));

  private Ecdsa() {}

  /** The engine this process uses, chosen once (see the class comment). */
  public static Engine engine() {
    return DEFAULT;
  }

  /**
   * The engine a setting names: {@code auto}, {@code jdk}, {@code bc} or {@code accp}, in any case.
   * This is the entry point for a builder option that takes the same values as {@value #PROPERTY}.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static Engine parse(String setting) {
    String choice = setting.trim().toLowerCase(Locale.ROOT);
    switch (choice) {
      case "auto":
        return auto(Jca.provider() != null, jdkEcdsaIsSunEc(), Runtime.version().feature());
      case "jdk":
        return Engine.JDK;
      case "bc":
        return Engine.BOUNCY_CASTLE;
      case "accp":
        return Engine.ACCP;
      default:
        throw new IllegalArgumentException(
            PROPERTY + " must be auto, jdk, bc or accp, not '" + setting + "'");
    }
  }

  /** The static rule behind {@code auto}. */
  static Engine auto(boolean accpChosen, boolean jdkIsSunEc, int jdkFeatureVersion) {
    if (accpChosen) {
      return Engine.ACCP;
    }
    if (jdkIsSunEc && jdkFeatureVersion <= LAST_JDK_WITH_SLOWER_SUNEC) {
      return Engine.BOUNCY_CASTLE;
    }
    return Engine.JDK;
  }

  private static boolean jdkEcdsaIsSunEc() {
    try {
      return "SunEC".equals(Signature.getInstance("SHA384withECDSA").getProvider().getName());
    } catch (NoSuchAlgorithmException | RuntimeException e) {
      return false;
    }
  }
}
