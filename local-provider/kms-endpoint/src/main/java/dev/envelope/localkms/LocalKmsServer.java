package dev.envelope.localkms;

import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.localkms.internal.Arns;
import dev.envelope.localkms.internal.EndpointHome;
import dev.envelope.localkms.internal.KeyStoreKmsBackend;
import dev.envelope.localkms.internal.KmsHttpHandler;
import dev.envelope.localkms.internal.KmsHttpServer;
import dev.envelope.localkms.internal.KmsService;
import dev.envelope.localkms.internal.SigV4Verifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A local endpoint that speaks the AWS KMS API (the JSON 1.1 protocol of the AWS SDKs) so that the
 * real AWS SDK {@code KmsClient}, the AWS Encryption SDK's KMS keyrings and Envelope's KMS keyrings
 * run against it unchanged, offline.
 *
 * <pre>{@code
 * try (LocalKmsServer kms = LocalKmsServer.builder().regions("us-east-1", "us-west-2").start()) {
 *   KmsCredentials creds = kms.credentials().get(0);
 *   KmsClient client = KmsClient.builder()
 *       .endpointOverride(kms.endpoint())
 *       .region(Region.US_EAST_1)
 *       .credentialsProvider(StaticCredentialsProvider.create(
 *           AwsBasicCredentials.create(creds.accessKeyId(), creds.secretAccessKey())))
 *       .build();
 *   String keyArn = client.createKey(r -> {}).keyMetadata().arn();
 * }
 * }</pre>
 *
 * <p>Keys live in the local key store ({@link LocalKeyStore}): sealed at rest under the store's KEK,
 * versioned, with the store's lifecycle, key policy and hash-chained audit log, which records every
 * call under the SigV4 principal's ARN. Give the endpoint a store directory and its KEK ({@link
 * Builder#keyStoreDirectory} and {@link Builder#kek}), or an open store ({@link Builder#keyStore});
 * without either it runs on an ephemeral store in a temporary directory, sealed under a random KEK
 * that never leaves memory and deleted when the endpoint closes.
 *
 * <p>What it implements: symmetric keys (single- and multi-Region, {@code mrk-} ids) with key ARNs
 * {@code arn:PARTITION:kms:REGION:ACCOUNT:key/ID}; aliases; GenerateDataKey(WithoutPlaintext),
 * Encrypt, Decrypt, ReEncrypt, GenerateRandom; enable/disable, scheduled deletion with a waiting
 * period, rotation (automatic and on demand); key policies (evaluated); grants with grant tokens;
 * ReplicateKey. Errors are the KMS errors ({@code __type} and HTTP status as KMS sends them). The
 * {@link KmsOperation} list is the exact set. Requests are routed to a Region by the Region of
 * their SigV4 credential scope, so one endpoint plays several Regions: a multi-Region key
 * replicated with ReplicateKey has the same id and key material in each, with a Region-specific
 * ARN.
 *
 * <p>Differences from AWS: one account; a single-Region key's id is its key store id, and a
 * multi-Region key is the store key whose alias is its {@code mrk-} id; replicas of a multi-Region
 * key share key state, policy and description with the primary (in AWS each replica has its own);
 * keys created in the store directly are served too (with the default key policy), and changes
 * made through the store are seen at once for a key's state and within a minute for the key list;
 * grants become effective after
 * {@link Builder#grantPropagationDelay} (default zero) or at once with their grant token; IAM is
 * not modeled: a key policy statement naming the account root allows every principal of the
 * account.
 *
 * <h2>Security guarantees</h2>
 *
 * Every request must carry a valid SigV4 signature from configured credentials, dated within {@link
 * Builder#maxClockSkew} of now, that signs {@code host}, {@code x-amz-date} and every {@code
 * X-Amz-*} header, {@code X-Amz-Target} included (so a captured request cannot be replayed as
 * another operation). The signature headers and the declared length (at most 1 MiB) are checked
 * before the body is read; a request's head and its body must each arrive within {@link
 * Builder#readTimeout}; at most {@link Builder#maxConnections} connections are open, each on its
 * own thread, so idle ones never delay a signed call. Malformed JSON (numbers out of range,
 * duplicate names, deep nesting, invalid UTF-8) is a 400 {@code SerializationException}. The
 * endpoint binds to 127.0.0.1 unless told otherwise ({@link Builder#allowRemoteClients}) and speaks
 * plain HTTP: it is a development and test tool, not a key service for production. Key material
 * never leaves it except as data keys in responses; it is never logged, and it is written to disk
 * only sealed under the key store's KEK. Besides the endpoint's own authorization (key policies
 * and grants), the key store checks its own policy for every call, with the SigV4 principal's ARN
 * as caller label. The endpoint's state file ({@code kms-state.json}: aliases, grants, key policy
 * documents, rotation settings, tags) holds no key material and is not authenticated; protect the
 * directory as the key store's README says. Thread-safe.
 */
public final class LocalKmsServer implements AutoCloseable {
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
  private static final Pattern PARTITION = Pattern.compile("aws(-[a-z]+)*");

  /**
   * The caller label under which the key store sees what the endpoint does on its own: rotation
   * when automatic rotation is due, and deleting a key at the end of its waiting period. A key
   * whose store policy has caller grants must grant it ROTATE and DESTROY for those to happen.
   */
  public static final String SERVICE_CALLER = "kms-endpoint";


  private final KmsHttpServer http;
  private final URI endpoint;
  private final List<String> regions;
  private final String accountId;
  private final String partition;
  private final List<KmsCredentials> credentials;
  private final KmsFaults faults = new KmsFaults();
  private final KmsCallStats calls = new KmsCallStats(faults);
  private final Arns arns;
  private final EndpointHome home;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalKmsServer(Builder b) throws IOException {
    b.checkKeyStoreOptions();
    InetAddress address = b.bindAddress();
    this.regions = List.copyOf(b.regions.isEmpty() ? List.of("us-east-1") : b.regions);
    this.accountId = b.accountId == null ? "111122223333" : b.accountId;
    this.partition = b.partition == null ? "aws" : b.partition;
    this.credentials =
        List.copyOf(
            b.credentials.isEmpty() ? List.of(KmsCredentials.random("root")) : b.credentials);
    this.arns = new Arns(partition, accountId);
    Clock clock = b.clock == null ? Clock.systemUTC() : b.clock;

    this.home = EndpointHome.open(b.store, b.directory, b.kek, clock);
    try {
      KmsService service =
          new KmsService(
              new KeyStoreKmsBackend(home.store()),
              home.registry(),
              arns,
              regions,
              clock,
              b.grantPropagationDelay == null ? Duration.ZERO : b.grantPropagationDelay,
              SERVICE_CALLER);
      this.http = bind(b, address, service);
    } catch (IOException | RuntimeException e) {
      home.close();
      throw e;
    }
    InetSocketAddress bound = http.address();
    String host = bound.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.endpoint = URI.create("http://" + host + ":" + bound.getPort());
  }

  private KmsHttpServer bind(Builder b, InetAddress address, KmsService service)
      throws IOException {
    Map<String, KmsCredentials> byAccessKey = new LinkedHashMap<>();
    for (KmsCredentials c : credentials) {
      if (byAccessKey.put(c.accessKeyId(), c) != null) {
        throw new IllegalArgumentException("two credentials share access key " + c.accessKeyId());
      }
    }
    SigV4Verifier verifier =
        new SigV4Verifier(
            byAccessKey,
            new LinkedHashSet<>(regions),
            "kms",
            b.maxClockSkew == null ? Duration.ofMinutes(5) : b.maxClockSkew,
            Clock.systemUTC());

    return new KmsHttpServer(
        new InetSocketAddress(address, b.port),
        new KmsHttpHandler(service, verifier, arns, calls::onCall, served(b.callListener)),
        b.maxConnections == 0 ? 256 : b.maxConnections,
        b.threads == 0 ? 16 : b.threads,
        b.readTimeout == null ? Duration.ofSeconds(10) : b.readTimeout);
  }

  /** The handler's report of each call, as {@link KmsCall}s to {@code listener} (null: none). */
  private static KmsHttpHandler.Served served(KmsCallListener listener) {
    if (listener == null) {
      return null;
    }
    return (op, keyId, region, nanos, status, errorType) -> {
      try {
        listener.onCall(new KmsCall(op, keyId, region, nanos, status, errorType));
      } catch (RuntimeException ignored) {
        // A listener never changes a call's answer.
      }
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The endpoint to pass to {@code KmsClient.builder().endpointOverride(...)}. */
  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return endpoint.getPort();
  }

  /** The Regions served; the first is the default (keys on disk without a Region go there). */
  public List<String> regions() {
    return regions;
  }

  public String accountId() {
    return accountId;
  }

  public String partition() {
    return partition;
  }

  /** The accepted credentials (generated ones if none were configured). */
  public List<KmsCredentials> credentials() {
    return credentials;
  }

  /** The ARN of a key id in a Region, as this endpoint writes it. */
  public String keyArn(String region, String keyId) {
    return arns.keyArn(region, keyId);
  }

  /**
   * The key store this endpoint serves: the one given to {@link Builder#keyStore}, the one it
   * opened in {@link Builder#keyStoreDirectory}, or its ephemeral one. Use it to manage keys
   * ({@link dev.envelope.local.KeyManager}) or read the audit log while the endpoint runs; the
   * endpoint sees every change at the next request. It is closed with the endpoint unless it was
   * given to the builder.
   */
  public LocalKeyStore keyStore() {
    return home.store();
  }

  /** Faults to inject, changeable while the server runs. */
  public KmsFaults faults() {
    return faults;
  }

  /**
   * How many authenticated calls of {@code operation} reached the endpoint since start (or the last
   * {@link #resetCallCounts()}), including calls failed by injected faults or KMS errors.
   */
  public long callCount(KmsOperation operation) {
    return calls.count(operation);
  }

  /** Every non-zero call count. */
  public Map<KmsOperation, Long> callCounts() {
    return calls.counts();
  }

  public void resetCallCounts() {
    calls.reset();
  }

  /**
   * Stops accepting requests, closes idle connections, waits up to five seconds for calls in
   * progress and closes the rest, then closes the key store if the endpoint opened it,
   * releases the directory and deletes an ephemeral store. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    http.close();
    home.close();
  }

  @Override
  public String toString() {
    return "LocalKmsServer{endpoint="
        + endpoint
        + ", regions="
        + regions
        + ", account="
        + accountId
        + "}";
  }

  /**
   * Configures and starts a {@link LocalKmsServer}. Each value may be set once; everything has a
   * default: 127.0.0.1, an ephemeral port, Region us-east-1, account 111122223333, partition aws,
   * fresh random root credentials, an ephemeral key store, 16 requests at once over at most 256
   * connections, 10 seconds to read a request's head and its body, 5 minutes of clock skew.
   */
  public static final class Builder {
    private String host;
    private int port;
    private boolean portSet;
    private final List<String> regions = new ArrayList<>();
    private String accountId;
    private String partition;
    private final List<KmsCredentials> credentials = new ArrayList<>();
    private Path directory;
    private KekSource kek;
    private LocalKeyStore store;
    private Clock clock;
    private Duration grantPropagationDelay;
    private Duration maxClockSkew;
    private int threads;
    private int maxConnections;
    private Duration readTimeout;
    private boolean allowRemoteClients;
    private KmsCallListener callListener;

    private Builder() {}

    /**
     * Tells {@code listener} of each authenticated call of a known operation once it is answered:
     * operation, key named, Region, duration, HTTP status and KMS error type, never the payload
     * (see {@link KmsCallListener}). For a server's own metrics or traces; default none.
     */
    public Builder callListener(KmsCallListener listener) {
      Objects.requireNonNull(listener, "listener");
      requireUnset(this.callListener, "callListener");
      this.callListener = listener;
      return this;
    }

    /**
     * The address to bind; default 127.0.0.1 (loopback only). Any other than a loopback address
     * also needs {@link #allowRemoteClients}.
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      requireUnset(this.host, "host");
      this.host = host;
      return this;
    }

    /** The TCP port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (portSet) {
        throw new IllegalStateException("port was already set");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
      }
      this.port = port;
      this.portSet = true;
      return this;
    }

    /** The Regions served, e.g. {@code "us-east-1", "us-west-2"}; the first is the default. */
    public Builder regions(String... regions) {
      if (!this.regions.isEmpty()) {
        throw new IllegalStateException("regions were already set");
      }
      if (regions.length == 0) {
        throw new IllegalArgumentException("at least one region is required");
      }
      for (String region : regions) {
        Objects.requireNonNull(region, "region");
        if (!REGION.matcher(region).matches()) {
          throw new IllegalArgumentException("not a Region name: " + region);
        }
        if (this.regions.contains(region)) {
          throw new IllegalArgumentException("region listed twice: " + region);
        }
        this.regions.add(region);
      }
      return this;
    }

    /** The 12-digit account id in ARNs; default 111122223333. */
    public Builder accountId(String accountId) {
      Objects.requireNonNull(accountId, "accountId");
      requireUnset(this.accountId, "accountId");
      if (!ACCOUNT.matcher(accountId).matches()) {
        throw new IllegalArgumentException("accountId must be 12 digits: " + accountId);
      }
      this.accountId = accountId;
      return this;
    }

    /** The partition in ARNs ({@code aws}, {@code aws-cn}, {@code aws-us-gov}...); default aws. */
    public Builder partition(String partition) {
      Objects.requireNonNull(partition, "partition");
      requireUnset(this.partition, "partition");
      if (!PARTITION.matcher(partition).matches()) {
        throw new IllegalArgumentException("not a partition name: " + partition);
      }
      this.partition = partition;
      return this;
    }

    /** The credentials requests may be signed with (default: one random root credential). */
    public Builder credentials(KmsCredentials... credentials) {
      if (!this.credentials.isEmpty()) {
        throw new IllegalStateException("credentials were already set");
      }
      if (credentials.length == 0) {
        throw new IllegalArgumentException("at least one credential is required");
      }
      for (KmsCredentials c : credentials) {
        this.credentials.add(Objects.requireNonNull(c, "credentials"));
      }
      return this;
    }

    /**
     * Serves the keys of the local key store in {@code directory}, opened (or created, if the
     * directory holds none) with the KEK of {@link #kek}, which is then required. The endpoint
     * keeps its own state (aliases, grants, key policy documents, rotation settings, tags) in
     * {@code kms-state.json} there, and holds {@code .kms-server.lock} while it runs, so a second
     * endpoint cannot serve the same directory. Without a store, the endpoint uses an ephemeral
     * one that is deleted when it closes.
     */
    public Builder keyStoreDirectory(Path directory) {
      Objects.requireNonNull(directory, "directory");
      requireUnset(this.directory, "keyStoreDirectory");
      this.directory = directory;
      return this;
    }

    /**
     * The KEK of the key store in {@link #keyStoreDirectory}: a passphrase, a token key or a
     * keyring (see {@link KekSource}). Used when the endpoint starts; a new store records its kind.
     */
    public Builder kek(KekSource kek) {
      Objects.requireNonNull(kek, "kek");
      requireUnset(this.kek, "kek");
      this.kek = kek;
      return this;
    }

    /**
     * Serves the keys of an open key store, which the caller closes after the endpoint (the
     * endpoint's state file and lock go in its directory). Instead of {@link #keyStoreDirectory}
     * and {@link #kek}. The store's own clock decides destruction dates: in tests give the store
     * and the endpoint the same clock.
     *
     * <p>A store kept in a database (the PostgreSQL key store) is claimed by no endpoint: several
     * endpoints, in as many processes, may serve it at once, each seeing a key state change made
     * through any of them (or the store) at its next call. Each keeps its own state (aliases made
     * with CreateAlias, grants, key policy documents, rotation settings, tags) in memory, for
     * this run only; the store's keys, their state and the audit log are shared.
     */
    public Builder keyStore(LocalKeyStore store) {
      Objects.requireNonNull(store, "store");
      requireUnset(this.store, "keyStore");
      this.store = store;
      return this;
    }

    /** The clock of key lifecycle (deletion dates, rotation, grant propagation). */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      requireUnset(this.clock, "clock");
      this.clock = clock;
      return this;
    }

    /**
     * How long a new grant takes to be effective without its grant token (KMS: eventual
     * consistency, usually under five minutes); default zero.
     */
    public Builder grantPropagationDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      requireUnset(this.grantPropagationDelay, "grantPropagationDelay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("grantPropagationDelay cannot be negative: " + delay);
      }
      this.grantPropagationDelay = delay;
      return this;
    }

    /** How far a request's X-Amz-Date may be from now; default 5 minutes, as in AWS. */
    public Builder maxClockSkew(Duration skew) {
      Objects.requireNonNull(skew, "skew");
      requireUnset(this.maxClockSkew, "maxClockSkew");
      if (skew.isNegative() || skew.isZero()) {
        throw new IllegalArgumentException("maxClockSkew must be positive: " + skew);
      }
      this.maxClockSkew = skew;
      return this;
    }

    /**
     * Lets {@link #host} be an address other than loopback. The endpoint speaks plain HTTP: over a
     * network, requests (data keys in responses included) can be read by anyone on the path.
     * Without this, a non-loopback host fails at {@link #start()}.
     */
    public Builder allowRemoteClients() {
      this.allowRemoteClients = true;
      return this;
    }

    /**
     * The most connections open at once; one more is answered 503 and closed. Default 256. Each
     * connection has its own thread, so idle connections never hold up a signed request.
     */
    public Builder maxConnections(int maxConnections) {
      if (this.maxConnections != 0) {
        throw new IllegalStateException("maxConnections was already set");
      }
      if (maxConnections < 1 || maxConnections > 4096) {
        throw new IllegalArgumentException(
            "maxConnections must be between 1 and 4096: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * How long a request's line and headers, and then its body, may each take to arrive; a
     * connection that is slower is closed without an answer. Default 10 seconds.
     */
    public Builder readTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      requireUnset(this.readTimeout, "readTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("readTimeout must be positive: " + timeout);
      }
      this.readTimeout = timeout;
      return this;
    }

    /** Requests answered at once (the others wait for one to finish); default 16. */
    public Builder threads(int threads) {
      if (this.threads != 0) {
        throw new IllegalStateException("threads was already set");
      }
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException("threads must be between 1 and 1024: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Starts the endpoint.
     *
     * @throws IOException if the port cannot be bound or the key-store directory cannot be read
     */
    public LocalKmsServer start() throws IOException {
      return new LocalKmsServer(this);
    }

    /**
     * The address to bind, resolved.
     *
     * @throws IllegalStateException for an address other than loopback without {@link
     *     #allowRemoteClients}
     */
    InetAddress bindAddress() throws IOException {
      InetAddress address = InetAddress.getByName(host == null ? "127.0.0.1" : host);
      if (!address.isLoopbackAddress() && !allowRemoteClients) {
        throw new IllegalStateException(
            "host "
                + host
                + " is not a loopback address: the endpoint speaks plain HTTP, readable by anyone"
                + " on the network; call allowRemoteClients() to bind it anyway");
      }
      return address;
    }

    /** @throws IllegalStateException for a store configured two ways, or half-configured */
    void checkKeyStoreOptions() {
      if (store != null && (directory != null || kek != null)) {
        throw new IllegalStateException(
            "keyStore(...) is an open key store: do not also set keyStoreDirectory or kek");
      }
      if ((directory == null) != (kek == null)) {
        throw new IllegalStateException(
            directory == null
                ? "kek(...) is the KEK of the key store in keyStoreDirectory(...): set both"
                : "the key store in "
                    + directory
                    + " needs its KEK: set kek(...), e.g. KekSource.passphrase(...)");
      }
    }

    private static void requireUnset(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }
  }
}
