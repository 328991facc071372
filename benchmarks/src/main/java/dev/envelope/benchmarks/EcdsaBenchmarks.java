package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite.Signing;
import dev.envelope.internal.crypto.Ecdsa;
import dev.envelope.internal.crypto.Jca;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
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
 * The signed suites' fixed cost, per ECDSA engine Envelope can choose ({@link Ecdsa.Engine}): one
 * key pair, one signature over 1 KiB, one verification, on P-256/SHA-256 and P-384/SHA-384. This
 * is what the engine rule in {@code Ecdsa} rests on. Average time per operation, in microseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(3)
public class EcdsaBenchmarks {
  @Param({"jdk", "bc", "accp"})
  public String engine;

  @Param({"P384", "P256"})
  public String curve;

  private Ecdsa.Engine impl;
  private Signing signing;
  private KeyPairGenerator generator;
  private KeyPair pair;
  private byte[] message;
  private byte[] signature;

  @Setup
  public void setUp() throws GeneralSecurityException {
    impl = Ecdsa.parse(engine);
    signing = "P384".equals(curve) ? Signing.ECDSA_P384_SHA384 : Signing.ECDSA_P256_SHA256;
    generator = impl.keyPairGenerator();
    generator.initialize(new ECGenParameterSpec(signing.curveName()), Jca.random());
    pair = generator.generateKeyPair();
    message = Fixtures.bytes(1024, 3);
    signature = sign();
  }

  @Benchmark
  public KeyPair keyPair() {
    return generator.generateKeyPair();
  }

  @Benchmark
  public byte[] sign() throws GeneralSecurityException {
    Signature s = impl.signature(signing.signatureAlgorithm());
    s.initSign(pair.getPrivate(), Jca.random());
    s.update(message);
    return s.sign();
  }

  @Benchmark
  public boolean verify() throws GeneralSecurityException {
    Signature v = impl.signature(signing.signatureAlgorithm());
    v.initVerify(pair.getPublic());
    v.update(message);
    if (!v.verify(signature)) {
      throw new IllegalStateException("a valid signature did not verify");
    }
    return true;
  }
}
