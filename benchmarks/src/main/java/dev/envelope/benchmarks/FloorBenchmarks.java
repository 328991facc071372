package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.internal.crypto.Ecdsa;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The format's floor per suite family: only the primitives a message of that suite mandates once
 * the materials (data key, and signing key for signed suites) are in hand, with the JDK's
 * providers and nothing else. No serialization, no framing, no keyring, no checks beyond the
 * cryptographic ones. What any implementation of the format must at least spend:
 *
 * <ul>
 *   <li>a random message id (16 bytes, 32 for committing suites) from the JDK's {@code
 *       SecureRandom};
 *   <li>the content key: none for NO_KDF suites (the data key is the content key); HKDF extract and
 *       one expand (SHA-256 or SHA-384) for the version-1 HKDF suites; HKDF-SHA512 extract and two
 *       expands (content key and commit key) for committing suites, and on decrypt the
 *       constant-time comparison of the commit key;
 *   <li>one AES-GCM tag over a header of the real length (as the ESDK writes it for this suite);
 *   <li>one AES-GCM call over the whole body (framing would only add calls);
 *   <li>for signed suites, one ECDSA signature over header and body, or its verification.
 *       Generating the per-message key pair is not counted: it belongs to the materials.
 * </ul>
 *
 * <p>{@code suite} names the family by its representative suite: {@code 0014} (NO_KDF), {@code
 * 0178} (HKDF-SHA256), {@code 0214} (HKDF-SHA256 + ECDSA P-256), {@code 0378} (HKDF-SHA384 + ECDSA
 * P-384), {@code 0478} (committing), {@code 0578} (committing + ECDSA P-384); ECDSA with SunEC.
 * {@code 0578-bc} is 0x0578 with Bouncy Castle's ECDSA, the engine Envelope uses on the JDK, so
 * that Envelope's JDK rows have a floor with the same signature cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FloorBenchmarks {
  private static final byte[] DERIVE_KEY = "DERIVEKEY".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMMIT_KEY = "COMMITKEY".getBytes(StandardCharsets.US_ASCII);

  @Param({"1024", "1048576"})
  public int size;

  @Param({"0014", "0178", "0214", "0378", "0478", "0578", "0578-bc"})
  public String suite;

  private AlgorithmSuite alg;
  private Ecdsa.Engine ecdsa;
  private SecureRandom random;
  private Cipher gcm;
  private Mac mac;
  private byte[][] dataKeys;
  private int nextKey;
  private byte[] decryptKey;
  private KeyPair signingKey;
  private byte[] plaintext;
  private byte[] header;
  private int idOffset;
  private byte[] message;
  private byte[] messageId;
  private byte[] commitKey;
  private byte[] signature;

  @Setup
  public void setUp() throws GeneralSecurityException {
    alg = AlgorithmSuite.fromHex("0x" + suite.substring(0, 4));
    ecdsa = suite.endsWith("-bc") ? Ecdsa.Engine.BOUNCY_CASTLE : Ecdsa.Engine.JDK;
    random = new SecureRandom();
    gcm = Cipher.getInstance("AES/GCM/NoPadding");
    mac = alg.kdf().macAlgorithm() == null ? null : Mac.getInstance(alg.kdf().macAlgorithm());
    // NO_KDF suites use the data key itself: the materials bring a fresh one per message. Two
    // alternate here, since the JDK refuses to encrypt twice in a row under one key and IV.
    dataKeys = new byte[][] {Fixtures.bytes(alg.dataKeyLength(), 11), Fixtures.bytes(alg.dataKeyLength(), 12)};
    if (alg.isSigned()) {
      KeyPairGenerator generator = ecdsa.keyPairGenerator();
      generator.initialize(new ECGenParameterSpec(alg.signing().curveName()), random);
      signingKey = generator.generateKeyPair();
    }
    plaintext = Fixtures.bytes(size, 1);
    byte[] real = Fixtures.esdk(alg, 4096).encryptData(Fixtures.esdkMasterKey(), new byte[0], Fixtures.CONTEXT_MAP).getResult();
    int headerLength = Envelope.inspectUnauthenticated(real).headerLength();
    int tag = 16;
    header = Arrays.copyOf(real, headerLength - tag);
    idOffset = alg.messageFormatVersion() == 2 ? 1 + 2 : 1 + 1 + 2;
    decryptKey = dataKeys[nextKey];
    byte[] signed = encrypt();
    messageId = Arrays.copyOfRange(signed, idOffset, idOffset + alg.messageIdLength());
    commitKey = alg.isCommitting() ? derive(decryptKey, messageId)[1] : null;
    // The body ends after the header tag, the body and its tag; a signed message then has
    // u16 length ‖ DER signature, which decrypt() takes apart.
    int bodyEnd = headerLength + size + 16;
    message = Arrays.copyOf(signed, bodyEnd);
    if (alg.isSigned()) {
      int length = ((signed[bodyEnd] & 0xff) << 8) | (signed[bodyEnd + 1] & 0xff);
      signature = Arrays.copyOfRange(signed, bodyEnd + 2, bodyEnd + 2 + length);
    }
  }

  /** Content key, and commit key for committing suites. */
  private byte[][] derive(byte[] dataKey, byte[] id) throws GeneralSecurityException {
    if (mac == null) {
      return new byte[][] {dataKey, null};
    }
    String name = alg.kdf().macAlgorithm();
    byte[] salt = alg.isCommitting() ? id : new byte[alg.kdf().hashLength()];
    mac.init(new SecretKeySpec(salt, name));
    byte[] prk = mac.doFinal(dataKey);
    mac.init(new SecretKeySpec(prk, name));
    if (alg.isCommitting()) {
      mac.update((byte) (alg.id() >>> 8));
      mac.update((byte) alg.id());
      mac.update(DERIVE_KEY);
      mac.update((byte) 1);
      byte[] content = Arrays.copyOf(mac.doFinal(), alg.dataKeyLength());
      mac.update(COMMIT_KEY);
      mac.update((byte) 1);
      byte[] commit = Arrays.copyOf(mac.doFinal(), 32);
      return new byte[][] {content, commit};
    }
    mac.update((byte) (alg.id() >>> 8));
    mac.update((byte) alg.id());
    mac.update(id);
    mac.update((byte) 1);
    return new byte[][] {Arrays.copyOf(mac.doFinal(), alg.dataKeyLength()), null};
  }

  private static GCMParameterSpec iv(int sequence) {
    byte[] iv = new byte[12];
    iv[11] = (byte) sequence;
    return new GCMParameterSpec(128, iv);
  }

  /** Header ‖ header tag ‖ body ‖ body tag [‖ u16 ‖ signature], in one new array. */
  @Benchmark
  public byte[] encrypt() throws GeneralSecurityException {
    byte[] dataKey = dataKeys[nextKey];
    nextKey ^= 1;
    byte[] id = new byte[alg.messageIdLength()];
    random.nextBytes(id);
    byte[][] keys = derive(dataKey, id);
    int footer = alg.isSigned() ? 2 + alg.signing().maxSignatureLength() : 0;
    byte[] out = new byte[header.length + 16 + size + 16 + footer];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(id, 0, out, idOffset, id.length);
    if (keys[1] != null) {
      System.arraycopy(keys[1], 0, out, header.length - 32, 32);
    }
    SecretKeySpec key = new SecretKeySpec(keys[0], "AES");
    gcm.init(Cipher.ENCRYPT_MODE, key, iv(0));
    gcm.updateAAD(out, 0, header.length);
    int end = header.length + gcm.doFinal(new byte[0], 0, 0, out, header.length);
    gcm.init(Cipher.ENCRYPT_MODE, key, iv(1));
    end += gcm.doFinal(plaintext, 0, size, out, end);
    if (!alg.isSigned()) {
      return out;
    }
    Signature signer = ecdsa.signature(alg.signing().signatureAlgorithm());
    signer.initSign(signingKey.getPrivate(), random);
    signer.update(out, 0, end);
    byte[] sig = signer.sign();
    out[end] = (byte) (sig.length >>> 8);
    out[end + 1] = (byte) sig.length;
    System.arraycopy(sig, 0, out, end + 2, sig.length);
    return out;
  }

  /** Key derivation, commit-key check, header tag, signature, body: the plaintext. */
  @Benchmark
  public byte[] decrypt() throws GeneralSecurityException {
    byte[][] keys = derive(decryptKey, messageId);
    if (keys[1] != null && !MessageDigest.isEqual(keys[1], commitKey)) {
      throw new IllegalStateException("commit key mismatch");
    }
    SecretKeySpec key = new SecretKeySpec(keys[0], "AES");
    gcm.init(Cipher.DECRYPT_MODE, key, iv(0));
    gcm.updateAAD(message, 0, header.length);
    gcm.doFinal(message, header.length, 16);
    if (alg.isSigned()) {
      Signature verifier = ecdsa.signature(alg.signing().signatureAlgorithm());
      verifier.initVerify(signingKey.getPublic());
      verifier.update(message);
      if (!verifier.verify(signature)) {
        throw new IllegalStateException("signature does not verify");
      }
    }
    gcm.init(Cipher.DECRYPT_MODE, key, iv(1));
    byte[] out = new byte[size];
    gcm.doFinal(message, header.length + 16, size + 16, out, 0);
    return out;
  }
}
