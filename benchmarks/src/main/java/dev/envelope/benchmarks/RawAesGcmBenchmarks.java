package dev.envelope.benchmarks;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
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
 * The floor: one AES-256-GCM call over the whole payload (12-byte IV, 16-byte tag), with the
 * JDK's provider and with ACCP. No key management, no framing, no derivation. A fresh IV per
 * encryption (from a counter: generating random IVs would measure the RNG). Like every peer, each
 * call returns a new array: allocating (and zeroing) the result is part of the cost of any API that
 * hands the caller its bytes, and at 1 MiB it roughly doubles the time of the cipher work alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RawAesGcmBenchmarks {
  @Param({"1024", "65536", "1048576"})
  public int size;

  @Param({"jdk", "accp"})
  public String provider;

  private byte[] plaintext;
  private byte[] ciphertext;
  private byte[] iv;
  private byte[] fixedIv;
  private long counter;
  private SecretKeySpec key;
  private Cipher cipher;

  @Setup
  public void setUp() throws GeneralSecurityException {
    plaintext = Fixtures.bytes(size, 1);
    key = new SecretKeySpec(Fixtures.WRAPPING_KEY, "AES");
    cipher = "jdk".equals(provider) ? Cipher.getInstance("AES/GCM/NoPadding") : Cipher.getInstance("AES/GCM/NoPadding", accp());
    iv = new byte[12];
    fixedIv = Fixtures.bytes(12, 2);
    Cipher enc = "jdk".equals(provider) ? Cipher.getInstance("AES/GCM/NoPadding") : Cipher.getInstance("AES/GCM/NoPadding", accp());
    enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, fixedIv));
    ciphertext = enc.doFinal(plaintext);
  }

  static Provider accp() {
    return com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
  }

  @Benchmark
  public byte[] encrypt() throws GeneralSecurityException {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      iv[4 + i] = (byte) (c >>> (56 - 8 * i));
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
    return cipher.doFinal(plaintext);
  }

  @Benchmark
  public byte[] decrypt() throws GeneralSecurityException {
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, fixedIv));
    return cipher.doFinal(ciphertext);
  }
}
