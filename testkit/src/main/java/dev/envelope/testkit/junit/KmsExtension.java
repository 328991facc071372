package dev.envelope.testkit.junit;

import dev.envelope.kms.KmsKeyring;
import dev.envelope.localkms.LocalKmsServer;
import java.lang.annotation.Annotation;
import java.lang.reflect.Parameter;
import java.net.URI;
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
 * Built on {@link dev.envelope.localkms.junit.LocalKms}, the endpoint's own test handle; use
 * {@link dev.envelope.localkms.junit.LocalKmsExtension} directly for tests of the endpoint itself.
 */
public final class KmsExtension extends FixtureExtension<KmsFixture> {
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

  @Override
  Lifecycle lifecycleOf(Annotation annotation) {
    return ((WithLocalKms) annotation).lifecycle();
  }

  @Override
  boolean supports(Parameter parameter) {
    Class<?> type = parameter.getType();
    return type == KmsFixture.class
        || type == URI.class
        || type == KmsClient.class
        || type == KmsKeyring.class
        || (type == String.class && parameter.isAnnotationPresent(KmsKeyArn.class));
  }

  @Override
  Object resolve(Parameter parameter, KmsFixture fixture) {
    Class<?> type = parameter.getType();
    if (type == URI.class) {
      return fixture.endpoint();
    }
    if (type == KmsClient.class) {
      return fixture.client();
    }
    if (type == KmsKeyring.class) {
      return fixture.keyring();
    }
    if (type == String.class) {
      return fixture.keyArn();
    }
    return fixture;
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
