package dev.envelope.localkms.junit;

import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.LocalKmsServer;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts a local KMS endpoint once per test class and injects a {@link
 * LocalKms} (or the {@link LocalKmsServer}) into test methods, constructors and lifecycle methods.
 * Before each test it clears injected faults and call counts; keys persist across the class's
 * tests, in the server's ephemeral key store ({@code kms.server().keyStore()}), which is deleted
 * when the server stops at the end of the class.
 *
 * <pre>{@code
 * @ExtendWith(LocalKmsExtension.class)
 * class MyTest {
 *   @Test void works(LocalKms kms) { kms.client().generateDataKey(...); }
 * }
 *
 * class TwoRegionsTest {
 *   @RegisterExtension
 *   static final LocalKmsExtension KMS =
 *       new LocalKmsExtension(b -> b.regions("us-east-1", "us-west-2"));
 * }
 * }</pre>
 */
@SuppressWarnings("exports") // JUnit types in the API of a test helper, on the class path
public final class LocalKmsExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalKmsExtension.class);

  private final Consumer<LocalKmsServer.Builder> configuration;

  /** An endpoint with the defaults of {@link LocalKmsServer.Builder}. */
  public LocalKmsExtension() {
    this(b -> {});
  }

  /** An endpoint configured by {@code configuration} (regions, credentials, clock...). */
  public LocalKmsExtension(Consumer<LocalKmsServer.Builder> configuration) {
    this.configuration = Objects.requireNonNull(configuration, "configuration");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    handle(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    LocalKms kms = handle(context);
    kms.server().faults().clear();
    kms.server().resetCallCounts();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalKms.class || type == LocalKmsServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LocalKms kms = handle(context);
    return parameter.getParameter().getType() == LocalKmsServer.class ? kms.server() : kms;
  }

  /** The handle of this extension for the test class, started on first use. */
  private LocalKms handle(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(this, k -> new Resource(start()), Resource.class)
        .kms;
  }

  private LocalKms start() {
    LocalKmsServer.Builder builder = LocalKmsServer.builder();
    configuration.accept(builder);
    return LocalKms.start(builder);
  }

  /** Closes the handle when its context (the test class) ends (JUnit closes AutoCloseables). */
  private static final class Resource implements AutoCloseable {
    final LocalKms kms;

    Resource(LocalKms kms) {
      this.kms = kms;
    }

    @Override
    public void close() {
      kms.close();
    }
  }
}
