package dev.envelope.kms.internal;

import dev.envelope.KeyProviderException;
import dev.envelope.kms.KmsClientSupplier;
import dev.envelope.kms.KmsProviderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsResponse;
import software.amazon.awssdk.services.kms.model.KmsResponseMetadata;

/**
 * Makes the KMS calls of one keyring: picks the client for a region (an injected client, or the
 * supplier's), checks the client's region before sending, attaches the grant tokens and the call
 * timeout, validates the response, and maps every failure to a {@link KmsProviderException}.
 *
 * <p>Plaintext data keys in requests and responses are zeroed as soon as they are copied out
 * (best effort: the SDK's own request and response buffers are out of reach).
 *
 * <p>Immutable and thread-safe.
 */
public final class KmsCaller {
  /**
   * Worker threads for parallel wrapping: daemon threads, at most 64 at once; beyond that the
   * calling thread runs the call itself, so wrapping slows down instead of failing.
   */
  private static final ThreadPoolExecutor POOL = newPool();

  /** How long past the call timeout a parallel call may run before the keyring gives up on it. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private final KmsClient fixedClient;
  private final String fixedRegion;
  private final KmsClientSupplier supplier;
  private final List<String> grantTokens;
  private final Duration callTimeout;
  private final AwsRequestOverrideConfiguration override;

  private KmsCaller(KmsClient fixedClient, KmsClientSupplier supplier, List<String> grantTokens,
      Duration callTimeout) {
    this.fixedClient = fixedClient;
    this.fixedRegion = fixedClient == null ? null : regionOf(fixedClient).orElse(null);
    this.supplier = supplier;
    this.grantTokens = List.copyOf(grantTokens);
    this.callTimeout = callTimeout;
    this.override = AwsRequestOverrideConfiguration.builder().apiCallTimeout(callTimeout).build();
  }

  /** A caller that sends every call through {@code client}. */
  public static KmsCaller withClient(KmsClient client, List<String> grantTokens, Duration callTimeout) {
    return new KmsCaller(Objects.requireNonNull(client, "kmsClient"), null, grantTokens, callTimeout);
  }

  /** A caller that asks {@code supplier} for the client of each call's region. */
  public static KmsCaller withSupplier(
      KmsClientSupplier supplier, List<String> grantTokens, Duration callTimeout) {
    return new KmsCaller(null, Objects.requireNonNull(supplier, "clientSupplier"), grantTokens, callTimeout);
  }

  /** The region of the injected client, if there is one and it says. */
  public Optional<String> fixedRegion() {
    return Optional.ofNullable(fixedRegion);
  }

  public boolean hasFixedClient() {
    return fixedClient != null;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  /** The region a client reports, if it does (test doubles may not). */
  public static Optional<String> regionOf(KmsClient client) {
    try {
      Region region = client.serviceClientConfiguration().region();
      return region == null ? Optional.empty() : Optional.of(region.id());
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /**
   * The client for a call on {@code key} in {@code region} ({@code null} region: the injected
   * client's, for alias names and bare key ids).
   */
  private KmsClient client(String operation, KmsIdentifier key, String region) {
    if (fixedClient != null) {
      if (region != null && fixedRegion != null && !region.equals(fixedRegion)) {
        throw KmsErrors.wrongRegion(operation, key.value(), region, fixedRegion);
      }
      return fixedClient;
    }
    if (region == null) {
      // Builders reject this configuration; kept as a guard against guessing a region.
      throw new IllegalStateException(
          "key " + key + " names no region and no KmsClient was given; use its ARN");
    }
    KmsClient client;
    try {
      client = supplier.clientFor(region);
    } catch (RuntimeException e) {
      throw KmsErrors.fromSdk(operation, key.value(), e);
    }
    if (client == null) {
      throw new IllegalStateException("the KMS client supplier returned null for region " + region);
    }
    Optional<String> actual = regionOf(client);
    if (actual.isPresent() && !actual.get().equals(region)) {
      throw KmsErrors.wrongRegion(operation, key.value(), region, actual.get());
    }
    return client;
  }

  /** What GenerateDataKey returned, checked. The caller zeroes {@link #plaintext}. */
  public static final class Generated {
    public final KmsIdentifier keyArn;
    public final byte[] plaintext;
    public final byte[] ciphertext;

    Generated(KmsIdentifier keyArn, byte[] plaintext, byte[] ciphertext) {
      this.keyArn = keyArn;
      this.plaintext = plaintext;
      this.ciphertext = ciphertext;
    }
  }

  /** What Encrypt returned, checked. */
  public static final class Wrapped {
    public final KmsIdentifier keyArn;
    public final byte[] ciphertext;

    Wrapped(KmsIdentifier keyArn, byte[] ciphertext) {
      this.keyArn = keyArn;
      this.ciphertext = ciphertext;
    }
  }

  // spec: keyrings.md §6.2 "OnEncrypt without a data key": GenerateDataKey with the configured
  // identifier, the suite's key length, the full materials context and the grant tokens; check the
  // plaintext length and that the returned KeyId is a key ARN.
  public Generated generateDataKey(KmsIdentifier key, int length, Map<String, String> context) {
    String op = "GenerateDataKey";
    KmsClient client = client(op, key, key.region().orElse(null));
    GenerateDataKeyResponse response;
    try {
      response = client.generateDataKey(GenerateDataKeyRequest.builder()
          .keyId(key.value())
          .numberOfBytes(length)
          .encryptionContext(context)
          .grantTokens(grantTokens)
          .overrideConfiguration(override)
          .build());
    } catch (RuntimeException e) {
      throw KmsErrors.fromSdk(op, key.value(), e);
    }
    byte[] plaintext = response.plaintext() == null ? new byte[0] : response.plaintext().asByteArrayUnsafe();
    try {
      String requestId = requestId(response);
      if (plaintext.length != length) {
        throw KmsErrors.invalidResponse(op, key.value(),
            "the data key is " + plaintext.length + " bytes, the suite needs " + length, requestId);
      }
      KmsIdentifier arn = responseKeyArn(op, key, response.keyId(), requestId);
      byte[] ciphertext = ciphertext(op, key, response.ciphertextBlob(), requestId);
      byte[] copy = plaintext.clone();
      return new Generated(arn, copy, ciphertext);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  // spec: keyrings.md §6.2 "OnEncrypt with a data key": Encrypt with the configured identifier,
  // the data key, the full materials context and the grant tokens; the KeyId must be a key ARN.
  /** Encrypts {@code dataKey} (the caller keeps and zeroes its array) under {@code key}. */
  public Wrapped encrypt(KmsIdentifier key, byte[] dataKey, Map<String, String> context) {
    String op = "Encrypt";
    KmsClient client = client(op, key, key.region().orElse(null));
    byte[] copy = dataKey.clone();
    EncryptResponse response;
    try {
      response = client.encrypt(EncryptRequest.builder()
          .keyId(key.value())
          .plaintext(SdkBytes.fromByteArrayUnsafe(copy))
          .encryptionContext(context)
          .grantTokens(grantTokens)
          .overrideConfiguration(override)
          .build());
    } catch (RuntimeException e) {
      throw KmsErrors.fromSdk(op, key.value(), e);
    } finally {
      Arrays.fill(copy, (byte) 0);
    }
    String requestId = requestId(response);
    KmsIdentifier arn = responseKeyArn(op, key, response.keyId(), requestId);
    return new Wrapped(arn, ciphertext(op, key, response.ciphertextBlob(), requestId));
  }

  // spec: keyrings.md §6.2-6.4 OnDecrypt: Decrypt always names the KeyId (never lets KMS infer it
  // from the blob); the response KeyId must equal the requested one and the plaintext length must
  // be the suite's.
  /**
   * Decrypts an encrypted data key with {@code keyId} in {@code region}. Returns the plaintext,
   * which the caller zeroes.
   */
  public byte[] decrypt(KmsIdentifier keyId, String region, byte[] ciphertext, int length,
      Map<String, String> context) {
    String op = "Decrypt";
    KmsClient client = client(op, keyId, region);
    DecryptResponse response;
    try {
      response = client.decrypt(DecryptRequest.builder()
          .keyId(keyId.value())
          .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
          .encryptionContext(context)
          .grantTokens(grantTokens)
          .overrideConfiguration(override)
          .build());
    } catch (RuntimeException e) {
      throw KmsErrors.fromSdk(op, keyId.value(), e);
    }
    byte[] plaintext = response.plaintext() == null ? new byte[0] : response.plaintext().asByteArrayUnsafe();
    try {
      String requestId = requestId(response);
      if (!keyId.value().equals(response.keyId())) {
        throw KmsErrors.invalidResponse(op, keyId.value(),
            "it names key " + response.keyId() + " instead of the requested one", requestId);
      }
      if (plaintext.length != length) {
        throw KmsErrors.invalidResponse(op, keyId.value(),
            "the data key is " + plaintext.length + " bytes, the suite needs " + length, requestId);
      }
      return plaintext.clone();
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** Resolves an alias or key id to its key ARN with DescribeKey. */
  public KmsIdentifier describeKey(KmsIdentifier key) {
    String op = "DescribeKey";
    KmsClient client = client(op, key, key.region().orElse(null));
    DescribeKeyResponse response;
    try {
      response = client.describeKey(DescribeKeyRequest.builder()
          .keyId(key.value())
          .grantTokens(grantTokens)
          .overrideConfiguration(override)
          .build());
    } catch (RuntimeException e) {
      throw KmsErrors.fromSdk(op, key.value(), e);
    }
    String arn = response.keyMetadata() == null ? null : response.keyMetadata().arn();
    return responseKeyArn(op, key, arn, requestId(response));
  }

  /** The request id of a response; null when a client (e.g. a test double) sets no metadata. */
  private static String requestId(KmsResponse response) {
    KmsResponseMetadata metadata = response.responseMetadata();
    return metadata == null ? null : metadata.requestId();
  }

  private static KmsIdentifier responseKeyArn(
      String op, KmsIdentifier key, String keyId, String requestId) {
    Optional<KmsIdentifier> arn = KmsIdentifier.parseArn(keyId);
    if (arn.isEmpty() || !arn.get().isKeyArn()) {
      throw KmsErrors.invalidResponse(op, key.value(),
          "its KeyId '" + keyId + "' is not a key ARN", requestId);
    }
    return arn.get();
  }

  private static byte[] ciphertext(String op, KmsIdentifier key, SdkBytes blob, String requestId) {
    if (blob == null || blob.asByteArrayUnsafe().length == 0) {
      throw KmsErrors.invalidResponse(op, key.value(), "it has no CiphertextBlob", requestId);
    }
    if (blob.asByteArrayUnsafe().length > 0xFFFF) {
      throw KmsErrors.invalidResponse(op, key.value(),
          "its CiphertextBlob is longer than the 65535 bytes a message can hold", requestId);
    }
    return blob.asByteArray();
  }

  /** The outcome of one of several parallel calls: a value or a failure. */
  public static final class Outcome<T> {
    public final T value;
    public final RuntimeException failure;

    private Outcome(T value, RuntimeException failure) {
      this.value = value;
      this.failure = failure;
    }
  }

  /**
   * Runs the calls in parallel and returns their outcomes in the given order. A call still running
   * {@code callTimeout} plus a grace period after the start is cancelled and reported as {@link
   * KeyProviderException.Reason#TIMEOUT}. {@code names} label the calls for that error (operation
   * and key).
   */
  public <T> List<Outcome<T>> runAll(List<Callable<T>> calls, List<String[]> names) {
    List<Outcome<T>> outcomes = new ArrayList<>(calls.size());
    if (calls.size() == 1) {
      outcomes.add(runOne(calls.get(0)));
      return outcomes;
    }
    List<Future<T>> futures = new ArrayList<>(calls.size());
    for (Callable<T> call : calls) {
      futures.add(POOL.submit(call));
    }
    long deadline = System.nanoTime() + callTimeout.plus(GRACE).toNanos();
    for (int i = 0; i < futures.size(); i++) {
      Future<T> future = futures.get(i);
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        outcomes.add(new Outcome<>(future.get(left, TimeUnit.NANOSECONDS), null));
      } catch (TimeoutException | CancellationException e) {
        future.cancel(true);
        outcomes.add(new Outcome<>(null, KmsErrors.timeout(names.get(i)[0], names.get(i)[1], callTimeout)));
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException) {
          outcomes.add(new Outcome<>(null, (RuntimeException) cause));
        } else if (cause instanceof Error) {
          throw (Error) cause;
        } else {
          outcomes.add(new Outcome<>(null, new IllegalStateException(cause)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(f -> f.cancel(true));
        throw new KmsProviderException(KeyProviderException.Reason.OTHER,
            "interrupted while waiting for parallel KMS calls", names.get(i)[0], names.get(i)[1],
            null, null, e);
      }
    }
    return outcomes;
  }

  private static <T> Outcome<T> runOne(Callable<T> call) {
    try {
      return new Outcome<>(call.call(), null);
    } catch (RuntimeException e) {
      return new Outcome<>(null, e);
    } catch (Exception e) {
      return new Outcome<>(null, new IllegalStateException(e));
    }
  }

  private static ThreadPoolExecutor newPool() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "envelope-kms-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    return pool;
  }

  @Override
  public String toString() {
    return fixedClient != null ? "client(" + fixedRegion + ")" : "supplier(" + supplier + ")";
  }
}
