package dev.envelope.local.kms;

import com.sun.net.httpserver.HttpServer;
import dev.envelope.local.kms.internal.Arns;
import dev.envelope.local.kms.internal.FaultDecision;
import dev.envelope.local.kms.internal.InMemoryKmsBackend;
import dev.envelope.local.kms.internal.KmsBackend;
import dev.envelope.local.kms.internal.KmsHttpHandler;
import dev.envelope.local.kms.internal.KmsRegistry;
import dev.envelope.local.kms.internal.KmsService;
import dev.envelope.local.kms.internal.SigV4Verifier;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * A local endpoint that speaks the AWS KMS API (the JSON 1.1 protocol of the AWS SDKs) so that the
 * real AWS SDK {@code KmsClient}, the AWS Encryption SDK's KMS keyrings and Envelope's KMS keyrings
 * run against it unchanged, offline.
 *
 * <pre>{@code
 * try (KmsServer kms = KmsServer.builder().regions("us-east-1", "us-west-2").start()) {
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
 * <p>Differences from AWS: one account; replicas of a multi-Region key share key state, policy and
 * description with the primary (in AWS each replica has its own); grants become effective after
 * {@link Builder#grantPropagationDelay} (default zero) or at once with their grant token; IAM is
 * not modeled: a key policy statement naming the account root allows every principal of the
 * account.
 *
 * <p>The JDK HTTP server answers with Nagle's algorithm on unless {@code
 * sun.net.httpserver.nodelay=true}, which costs about 40 ms per call; this class sets that system
 * property when it is loaded, if it is unset. It takes effect only if no JDK HTTP server was
 * created earlier in the JVM.
 *
 * <h2>Security guarantees</h2>
 *
 * Every request must carry a valid SigV4 signature from configured credentials, dated within {@link
 * Builder#maxClockSkew} of now. The endpoint binds to 127.0.0.1 unless told otherwise and speaks
 * plain HTTP: it is a development and test tool, not a key service for production. Key material
 * never leaves it except as data keys in responses; it is never logged. With a key-store directory,
 * the self-contained backend keeps key material <b>unencrypted</b> on disk (owner-only files).
 * Thread-safe.
 */
public final class KmsServer implements AutoCloseable {
  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
  private static final Pattern PARTITION = Pattern.compile("aws(-[a-z]+)*");

  private final HttpServer http;
  private final ExecutorService executor;
  private final URI endpoint;
  private final List<String> regions;
  private final String accountId;
  private final String partition;
  private final List<KmsCredentials> credentials;
  private final KmsFaults faults = new KmsFaults();
  private final Map<KmsOperation, LongAdder> calls = new EnumMap<>(KmsOperation.class);
  private final Arns arns;

  private KmsServer(Builder b) throws IOException {
    this.regions = List.copyOf(b.regions.isEmpty() ? List.of("us-east-1") : b.regions);
    this.accountId = b.accountId == null ? "111122223333" : b.accountId;
    this.partition = b.partition == null ? "aws" : b.partition;
    this.credentials =
        List.copyOf(
            b.credentials.isEmpty() ? List.of(KmsCredentials.random("root")) : b.credentials);
    for (KmsOperation op : KmsOperation.values()) {
      calls.put(op, new LongAdder());
    }
    this.arns = new Arns(partition, accountId);
    Clock clock = b.clock == null ? Clock.systemUTC() : b.clock;

    KmsBackend backend;
    KmsRegistry registry;
    if (b.directory == null) {
      backend = InMemoryKmsBackend.inMemory();
      registry = KmsRegistry.inMemory();
    } else {
      backend = InMemoryKmsBackend.persistent(b.directory.resolve("keys"));
      registry = KmsRegistry.persistent(b.directory.resolve("kms-state.json"));
    }
    KmsService service =
        new KmsService(
            backend,
            registry,
            arns,
            regions,
            clock,
            b.grantPropagationDelay == null ? Duration.ZERO : b.grantPropagationDelay);

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

    InetAddress address = InetAddress.getByName(b.host == null ? "127.0.0.1" : b.host);
    this.http = HttpServer.create(new InetSocketAddress(address, b.port), 64);
    this.http.createContext("/", new KmsHttpHandler(service, verifier, arns, this::onCall));
    this.executor = Executors.newFixedThreadPool(b.threads == 0 ? 16 : b.threads, daemonThreads());
    this.http.setExecutor(executor);
    this.http.start();
    String host = address.getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.endpoint = URI.create("http://" + host + ":" + http.getAddress().getPort());
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

  /** Faults to inject, changeable while the server runs. */
  public KmsFaults faults() {
    return faults;
  }

  /**
   * How many authenticated calls of {@code operation} reached the endpoint since start (or the last
   * {@link #resetCallCounts()}), including calls failed by injected faults or KMS errors.
   */
  public long callCount(KmsOperation operation) {
    return calls.get(Objects.requireNonNull(operation, "operation")).sum();
  }

  /** Every non-zero call count. */
  public Map<KmsOperation, Long> callCounts() {
    Map<KmsOperation, Long> out = new EnumMap<>(KmsOperation.class);
    calls.forEach(
        (op, n) -> {
          if (n.sum() > 0) {
            out.put(op, n.sum());
          }
        });
    return Collections.unmodifiableMap(out);
  }

  public void resetCallCounts() {
    calls.values().forEach(LongAdder::reset);
  }

  /** Stops accepting requests, closes open connections and stops the worker threads. */
  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "KmsServer{endpoint="
        + endpoint
        + ", regions="
        + regions
        + ", account="
        + accountId
        + "}";
  }

  private FaultDecision onCall(KmsOperation op) {
    calls.get(op).increment();
    return faults.decide(op);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "local-kms-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Runs the endpoint until the process is stopped:
   *
   * <pre>
   * kms-server [--port N] [--keystore DIR] [--region R]... [--account ID] [--host ADDR]
   *            [--access-key ID --secret-key SECRET]
   * </pre>
   *
   * Without {@code --keystore}, keys live in memory only. Credentials default to the environment
   * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}); without
   * them, fresh credentials are generated and printed once.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Builder builder;
    try {
      builder = fromArgs(args, System.getenv());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("kms-server: " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    if (builder == null) {
      System.out.println(usage());
      return;
    }
    boolean generated = builder.credentials.isEmpty();
    KmsServer server = builder.start();
    describe(server, generated, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "local-kms-shutdown"));
    stopped.await();
  }

  static void describe(KmsServer server, boolean generatedCredentials, PrintStream out) {
    out.println(
        "Local KMS endpoint listening on "
            + server.endpoint()
            + " (regions "
            + String.join(", ", server.regions())
            + "; account "
            + server.accountId()
            + ")");
    if (generatedCredentials) {
      KmsCredentials c = server.credentials().get(0);
      out.println("Generated credentials (this run only):");
      out.println("  export AWS_ACCESS_KEY_ID=" + c.accessKeyId());
      out.println("  export AWS_SECRET_ACCESS_KEY=" + c.secretAccessKey());
    }
    out.println(
        "Use it with: --endpoint-url "
            + server.endpoint()
            + " (AWS CLI) or"
            + " KmsClient.builder().endpointOverride(URI.create(\""
            + server.endpoint()
            + "\"))");
  }

  static String usage() {
    return "usage: kms-server [--port N] [--keystore DIR] [--region R]... [--account ID]"
        + " [--host ADDR] [--access-key ID --secret-key SECRET]";
  }

  /**
   * A builder from command-line arguments and environment, or null for {@code --help}.
   *
   * @throws IllegalArgumentException for an unknown option or a bad value
   */
  static Builder fromArgs(String[] args, Map<String, String> env) {
    Builder b = builder();
    List<String> regions = new ArrayList<>();
    String accessKey = null;
    String secretKey = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      if (!Arrays.asList(
              "--port",
              "--keystore",
              "--region",
              "--account",
              "--host",
              "--access-key",
              "--secret-key")
          .contains(arg)) {
        throw new IllegalArgumentException("unknown option " + arg);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      String value = args[++i];
      switch (arg) {
        case "--port" -> {
          try {
            b.port(Integer.parseInt(value));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number: " + value);
          }
        }
        case "--keystore" -> b.keyStoreDirectory(Path.of(value));
        case "--region" -> regions.addAll(Arrays.asList(value.split(",")));
        case "--account" -> b.accountId(value);
        case "--host" -> b.host(value);
        case "--access-key" -> accessKey = value;
        default -> secretKey = value;
      }
    }
    if (!regions.isEmpty()) {
      b.regions(regions.toArray(new String[0]));
    }
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException("--access-key and --secret-key go together");
    }
    if (accessKey == null
        && env.get("AWS_ACCESS_KEY_ID") != null
        && env.get("AWS_SECRET_ACCESS_KEY") != null) {
      accessKey = env.get("AWS_ACCESS_KEY_ID");
      secretKey = env.get("AWS_SECRET_ACCESS_KEY");
      String token = env.get("AWS_SESSION_TOKEN");
      KmsCredentials.Builder cb =
          KmsCredentials.builder().accessKeyId(accessKey).secretAccessKey(secretKey);
      if (token != null && !token.isEmpty()) {
        cb.sessionToken(token);
      }
      b.credentials(cb.build());
    } else if (accessKey != null) {
      b.credentials(KmsCredentials.of(accessKey, secretKey));
    }
    return b;
  }

  /**
   * Configures and starts a {@link KmsServer}. Each value may be set once; everything has a
   * default: 127.0.0.1, an ephemeral port, Region us-east-1, account 111122223333, partition aws,
   * fresh random root credentials, keys in memory, 16 worker threads, 5 minutes of clock skew.
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
    private Clock clock;
    private Duration grantPropagationDelay;
    private Duration maxClockSkew;
    private int threads;

    private Builder() {}

    /** The address to bind; default 127.0.0.1 (loopback only). */
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
     * Persists keys, aliases and grants in {@code directory} (created if missing) and loads what is
     * there; without it, everything lives in memory.
     */
    public Builder keyStoreDirectory(Path directory) {
      Objects.requireNonNull(directory, "directory");
      requireUnset(this.directory, "keyStoreDirectory");
      this.directory = directory;
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

    /** Worker threads answering requests; default 16. */
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
    public KmsServer start() throws IOException {
      return new KmsServer(this);
    }

    private static void requireUnset(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }
  }
}
