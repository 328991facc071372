package dev.envelope.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * JCA primitives from one preferred provider, with the JDK's providers for whatever it lacks. Each
 * instance keeps per-thread cipher and MAC instances (never shared between threads; re-initialized
 * with a fresh key and IV per use). Instances are shared per provider object (and kept for the
 * life of the JVM, as the JCA keeps registered providers), so building many Envelopes with one
 * provider does not multiply the per-thread objects.
 *
 * <p>{@link #defaults()} is the JVM-wide choice (system property {@value Jca#PROVIDER_PROPERTY},
 * read once); {@link #of(Provider)} a caller's explicit choice.
 */
public final class Primitives {
  // By identity: Provider is a Properties, whose equals compares contents, so two providers with
  // the same entries must not share one instance.
  private static final Map<Provider, Primitives> BY_PROVIDER = new IdentityHashMap<>();
  private static final Map<Provider, Map<Provider, Primitives>> BY_PAIR = new IdentityHashMap<>();
  private static final Primitives JDK = new Primitives(null, null);

  /** Null: the JDK's default providers. */
  private final Provider provider;
  /** Null: ECDSA as {@link #provider} (or, for the defaults, {@link Ecdsa#engine()}) gives it. */
  private final Provider signatureProvider;
  private final ThreadLocal<Cipher> gcm = ThreadLocal.withInitial(() -> cipher("AES/GCM/NoPadding"));
  private final ThreadLocal<Mac> hmacSha256 = ThreadLocal.withInitial(() -> mac("HmacSHA256"));
  private final ThreadLocal<Mac> hmacSha384 = ThreadLocal.withInitial(() -> mac("HmacSHA384"));
  private final ThreadLocal<Mac> hmacSha512 = ThreadLocal.withInitial(() -> mac("HmacSHA512"));
  private final ThreadLocal<SecureRandom> random = ThreadLocal.withInitial(this::newSecureRandom);

  private Primitives(Provider provider, Provider signatureProvider) {
    this.provider = provider;
    this.signatureProvider = signatureProvider;
  }

  /** The JVM-wide default: the provider the system property chose, read once. */
  public static Primitives defaults() {
    return Defaults.INSTANCE;
  }

  /** Primitives from {@code provider} first; {@code null} for the JDK's default providers. */
  public static Primitives of(Provider provider) {
    if (provider == null) {
      return JDK;
    }
    synchronized (BY_PROVIDER) {
      return BY_PROVIDER.computeIfAbsent(provider, p -> new Primitives(p, null));
    }
  }

  /**
   * What an Envelope's builder chose: {@code null} (the JVM-wide defaults) when it chose neither a
   * provider nor a signature provider; a signature provider alone keeps the defaults' provider.
   */
  public static Primitives chosen(Provider provider, Provider signatureProvider) {
    if (signatureProvider != null) {
      return of(provider != null ? provider : defaults().provider(), signatureProvider);
    }
    return provider == null ? null : of(provider);
  }

  /**
   * Primitives from {@code provider} first ({@code null}: the JDK's), except ECDSA signing,
   * verifying and key pairs, which come from {@code signatureProvider} only.
   *
   * @throws IllegalArgumentException if {@code signatureProvider} lacks SHA384withECDSA, SHA256withECDSA
   *     or EC key pair generation
   */
  public static Primitives of(Provider provider, Provider signatureProvider) {
    if (signatureProvider == null) {
      return of(provider);
    }
    for (String algorithm : new String[] {"SHA256withECDSA", "SHA384withECDSA"}) {
      if (signatureProvider.getService("Signature", algorithm) == null) {
        throw new IllegalArgumentException(
            "signature provider " + signatureProvider.getName() + " lacks " + algorithm
                + "; give a provider with ECDSA (Bouncy Castle, SunEC, ACCP)");
      }
    }
    if (signatureProvider.getService("KeyPairGenerator", "EC") == null) {
      throw new IllegalArgumentException(
          "signature provider " + signatureProvider.getName() + " lacks EC key pair generation");
    }
    synchronized (BY_PROVIDER) {
      return BY_PAIR.computeIfAbsent(provider, p -> new IdentityHashMap<>())
          .computeIfAbsent(signatureProvider, sp -> new Primitives(provider, sp));
    }
  }

  /** The preferred provider, or {@code null} when the JDK's default providers are used. */
  public Provider provider() {
    return provider;
  }

  /** This thread's AES-GCM cipher. Initialize it before every use. */
  public Cipher aesGcm() {
    return gcm.get();
  }

  /** This thread's HMAC for {@code algorithm} (HmacSHA256, HmacSHA384 or HmacSHA512). */
  public Mac hmac(String algorithm) {
    switch (algorithm) {
      case "HmacSHA256":
        return hmacSha256.get();
      case "HmacSHA384":
        return hmacSha384.get();
      case "HmacSHA512":
        return hmacSha512.get();
      default:
        throw new IllegalArgumentException("unsupported HMAC " + algorithm);
    }
  }

  /** This thread's CSPRNG. */
  public SecureRandom random() {
    return random.get();
  }

  /** A new cipher instance from the preferred provider, or the JDK's if it lacks it. */
  public Cipher cipher(String transformation) {
    try {
      if (provider != null) {
        try {
          return Cipher.getInstance(transformation, provider);
        } catch (GeneralSecurityException fallThrough) {
          // The preferred provider lacks this transformation; the JDK has it.
        }
      }
      return Cipher.getInstance(transformation);
    } catch (GeneralSecurityException e) {
      throw new CryptoBugException("the JDK lacks " + transformation, e);
    }
  }

  /** A new MAC instance from the preferred provider, or the JDK's if it lacks it. */
  public Mac mac(String algorithm) {
    try {
      if (provider != null) {
        try {
          return Mac.getInstance(algorithm, provider);
        } catch (NoSuchAlgorithmException fallThrough) {
          // Use the JDK's.
        }
      }
      return Mac.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new CryptoBugException("the JDK lacks " + algorithm, e);
    }
  }

  /**
   * A new signature instance from the preferred provider, or the JDK's if it lacks it. The
   * JVM-wide {@link #defaults()} take ECDSA from {@link Ecdsa#engine()}, its own start-up choice.
   */
  public Signature signature(String algorithm) {
    if (signatureProvider != null) {
      try {
        return Signature.getInstance(algorithm, signatureProvider);
      } catch (NoSuchAlgorithmException e) {
        throw new CryptoBugException(signatureProvider.getName() + " lacks " + algorithm, e);
      }
    }
    if (this == defaults()) {
      return Ecdsa.engine().signature(algorithm);
    }
    try {
      if (provider != null) {
        try {
          return Signature.getInstance(algorithm, provider);
        } catch (NoSuchAlgorithmException fallThrough) {
          // Use the JDK's.
        }
      }
      return Signature.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new CryptoBugException("the JDK lacks " + algorithm, e);
    }
  }

  /** A new EC key pair generator from the preferred provider (as {@link #signature}). */
  public KeyPairGenerator ecKeyPairGenerator() {
    if (signatureProvider != null) {
      try {
        return KeyPairGenerator.getInstance("EC", signatureProvider);
      } catch (NoSuchAlgorithmException e) {
        throw new CryptoBugException(signatureProvider.getName() + " lacks EC key generation", e);
      }
    }
    if (this == defaults()) {
      return Ecdsa.engine().keyPairGenerator();
    }
    try {
      if (provider != null) {
        try {
          return KeyPairGenerator.getInstance("EC", provider);
        } catch (NoSuchAlgorithmException fallThrough) {
          // Use the JDK's.
        }
      }
      return KeyPairGenerator.getInstance("EC");
    } catch (NoSuchAlgorithmException e) {
      throw new CryptoBugException("the JDK lacks EC key generation", e);
    }
  }

  private SecureRandom newSecureRandom() {
    if (provider != null) {
      try {
        return SecureRandom.getInstance("DEFAULT", provider);
      } catch (NoSuchAlgorithmException fallThrough) {
        // Use the JDK's.
      }
    }
    return new SecureRandom();
  }

  @Override
  public String toString() {
    return provider == null ? "JDK" : provider.getName();
  }

  /** Holder: the system property is read at first use, once. */
  private static final class Defaults {
    static final Primitives INSTANCE = of(Jca.chooseProvider());
  }
}
