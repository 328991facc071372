package dev.envelope.testkit.junit;

import dev.envelope.kms.KmsKeyring;
import dev.envelope.localkms.LocalKmsServer;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * JUnit 5 extension that starts a local KMS endpoint with a fresh key ({@link KmsFixture}) per test
 * class or per test, stops it afterwards, and injects into test methods, lifecycle methods and
 * constructors:
 *
 * <ul>
 *   <li>{@link KmsFixture}: everything below and more;
 *   <li>{@link URI}: the endpoint;
 *   <li>{@link KmsClient}: a client configured for the endpoint (Region, credentials);
 *   <li>{@code @}{@link KmsKeyArn} {@link String}: the key's ARN;
 *   <li>{@link KmsKeyring}: a keyring over that key and client.
 * </ul>
 *
 * <pre>{@code
 * @WithLocalKms(lifecycle = Lifecycle.PER_TEST)
 * class OrdersTest {
 *   @Test void encrypts(KmsClient kms, @KmsKeyArn String keyArn) { ... }
 * }
 *
 * class TwoRegionsTest {
 *   @RegisterExtension
 *   static final KmsExtension KMS = KmsExtension.builder()
 *       .server(b -> b.regions("eu-west-1", "eu-central-1")).build();
 * }
 * }</pre>
 *
 * <p>Before each test it clears the faults the previous test injected and the call counts ({@code
 * kms.localKms().server()}), as {@link dev.envelope.localkms.junit.LocalKmsExtension} does; keys
 * stay for the fixture's life.
 *
 * <p>Built on {@link dev.envelope.localkms.junit.LocalKms}, the endpoint's own test handle; use
 * {@link dev.envelope.localkms.junit.LocalKmsExtension} directly for tests of the endpoint itself.
 */
public final class KmsExtension extends FixtureExtension<KmsFixture> {
  private static final List<Injectable<KmsFixture>> INJECTABLES = List.of(
      Injectable.of(KmsFixture.class, f -> f),
      Injectable.of(URI.class, KmsFixture::endpoint),
      Injectable.of(KmsClient.class, KmsFixture::client),
      Injectable.of(KmsKeyring.class, KmsFixture::keyring),
      Injectable.qualified(String.class, KmsKeyArn.class, KmsFixture::keyArn));

  private final Consumer<LocalKmsServer.Builder> server;

  /** For {@code @ExtendWith} and {@link WithLocalKms}: defaults, lifecycle from the annotation. */
  public KmsExtension() {
    this(null, b -> {});
  }

  private KmsExtension(Lifecycle lifecycle, Consumer<LocalKmsServer.Builder> server) {
    super(WithLocalKms.class, lifecycle);
    this.server = server;
  }

  /** A builder for {@code @RegisterExtension}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  KmsFixture start(ExtensionContext context) {
    return KmsFixture.start(server);
  }

  /**
   * Starts a per-test endpoint, or, for one shared by the class, clears the faults and call counts
   * an earlier test left, so that no test sees another's throttling or counts its calls.
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    super.beforeEach(context);
    LocalKmsServer server = fixture(context).localKms().server();
    server.faults().clear();
    server.resetCallCounts();
  }

  @Override
  Lifecycle lifecycleOf(Annotation annotation) {
    return ((WithLocalKms) annotation).lifecycle();
  }

  @Override
  List<Injectable<KmsFixture>> injectables() {
    return INJECTABLES;
  }

  @Override
  String name() {
    return "local KMS endpoint";
  }

  /** Configures a {@link KmsExtension}. Each option may be set once. */
  public static final class Builder {
    private Lifecycle lifecycle;
    private Consumer<LocalKmsServer.Builder> server;

    private Builder() {}

    /** Per class (the default) or per test. */
    public Builder lifecycle(Lifecycle lifecycle) {
      Objects.requireNonNull(lifecycle, "lifecycle");
      if (this.lifecycle != null) {
        throw new IllegalStateException("lifecycle was already set");
      }
      this.lifecycle = lifecycle;
      return this;
    }

    /** Configures each endpoint before it starts (Regions, credentials, account, clock...). */
    public Builder server(Consumer<LocalKmsServer.Builder> server) {
      Objects.requireNonNull(server, "server");
      if (this.server != null) {
        throw new IllegalStateException("server was already set");
      }
      this.server = server;
      return this;
    }

    public KmsExtension build() {
      return new KmsExtension(
          lifecycle == null ? Lifecycle.PER_CLASS : lifecycle, server == null ? b -> {} : server);
    }
  }
}
