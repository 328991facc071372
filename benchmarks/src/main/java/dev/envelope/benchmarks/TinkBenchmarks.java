package dev.envelope.benchmarks;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
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
 * Google Tink 1.24.0 on the same inputs: its AES-256-GCM {@code Aead} (one key, no key
 * management) and {@code KmsEnvelopeAead} with a local AES-256-GCM key standing in for the KMS key
 * (a fresh data key per message, wrapped by the local key: Tink's envelope, without key derivation,
 * commitment or a context bound into the wrapped key). Associated data = the serialized context.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TinkBenchmarks {
  @Param({"1024", "65536", "1048576"})
  public int size;

  private byte[] plaintext;
  private byte[] associatedData;
  private Aead aead;
  private Aead envelope;
  private byte[] aeadCiphertext;
  private byte[] envelopeCiphertext;

  @Setup
  public void setUp() throws GeneralSecurityException {
    AeadConfig.register();
    plaintext = Fixtures.bytes(size, 1);
    associatedData = Fixtures.CONTEXT.toCanonicalBytes();
    aead =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
            .getPrimitive(RegistryConfiguration.get(), Aead.class);
    Aead kek =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
            .getPrimitive(RegistryConfiguration.get(), Aead.class);
    envelope = KmsEnvelopeAead.create(PredefinedAeadParameters.AES256_GCM, kek);
    aeadCiphertext = aead.encrypt(plaintext, associatedData);
    envelopeCiphertext = envelope.encrypt(plaintext, associatedData);
  }

  @Benchmark
  public byte[] aeadEncrypt() throws GeneralSecurityException {
    return aead.encrypt(plaintext, associatedData);
  }

  @Benchmark
  public byte[] aeadDecrypt() throws GeneralSecurityException {
    return aead.decrypt(aeadCiphertext, associatedData);
  }

  @Benchmark
  public byte[] envelopeEncrypt() throws GeneralSecurityException {
    return envelope.encrypt(plaintext, associatedData);
  }

  @Benchmark
  public byte[] envelopeDecrypt() throws GeneralSecurityException {
    return envelope.decrypt(envelopeCiphertext, associatedData);
  }
}
