package dev.envelope.testkit.junit;

import java.lang.annotation.Annotation;
import java.lang.reflect.Parameter;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What every extension of the kit shares: one fixture per {@link Lifecycle} scope, kept in JUnit's
 * extension store (which closes it when the scope ends, in reverse order of creation), and
 * parameter injection of the fixture and of the values it names.
 *
 * <p>The lifecycle comes from the builder of an extension registered with {@code
 * @RegisterExtension}, else from the extension's annotation on the test class (or an enclosing
 * class), else {@link Lifecycle#PER_CLASS}.
 *
 * @param <F> the fixture
 */
abstract class FixtureExtension<F extends AutoCloseable>
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  private final Class<? extends Annotation> annotation;
  private final Lifecycle configured;

  /**
   * @param annotation the extension's annotation, read for its {@code lifecycle()} when {@code
   *     configured} is null
   * @param configured the lifecycle from a builder, or null
   */
  FixtureExtension(Class<? extends Annotation> annotation, Lifecycle configured) {
    this.annotation = Objects.requireNonNull(annotation, "annotation");
    this.configured = configured;
  }

  /** Starts a fixture; {@code context} is the test's or the class's. */
  abstract F start(ExtensionContext context) throws Exception;

  /** The lifecycle attribute of the extension's annotation. */
  abstract Lifecycle lifecycleOf(Annotation annotation);

  /** Whether this extension injects {@code parameter}. */
  abstract boolean supports(Parameter parameter);

  /** The value of {@code parameter} from the fixture. */
  abstract Object resolve(Parameter parameter, F fixture);

  /** The fixture type, for messages. */
  abstract String name();

  @Override
  public void beforeAll(ExtensionContext context) {
    if (lifecycle(context) == Lifecycle.PER_CLASS) {
      fixture(context);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (lifecycle(context) == Lifecycle.PER_TEST) {
      fixture(context);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return supports(parameter.getParameter());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return resolve(parameter.getParameter(), fixture(context));
  }

  /** The fixture of the scope of {@code context}, started on first use. */
  final F fixture(ExtensionContext context) {
    Lifecycle lifecycle = lifecycle(context);
    ExtensionContext owner;
    if (lifecycle == Lifecycle.PER_CLASS) {
      owner = outermostClass(context);
    } else {
      if (context.getTestMethod().isEmpty()) {
        throw new ParameterResolutionException(
            "the " + name() + " is started per test (Lifecycle.PER_TEST), so it cannot be injected"
                + " into a constructor or an @BeforeAll method; inject it into the test or an"
                + " @BeforeEach method, or use Lifecycle.PER_CLASS");
      }
      owner = context;
    }
    Holder<?> holder =
        owner
            .getStore(ExtensionContext.Namespace.create(getClass(), this))
            .getOrComputeIfAbsent(Holder.class, k -> new Holder<>(startOrThrow(context)), Holder.class);
    @SuppressWarnings("unchecked")
    F fixture = (F) holder.fixture;
    return fixture;
  }

  private F startOrThrow(ExtensionContext context) {
    try {
      return start(context);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the " + name() + ": " + e.getMessage(), e);
    }
  }

  final Lifecycle lifecycle(ExtensionContext context) {
    if (configured != null) {
      return configured;
    }
    Optional<ExtensionContext> c = Optional.of(context);
    while (c.isPresent()) {
      Optional<Class<?>> type = c.get().getTestClass();
      if (type.isPresent()) {
        for (Class<?> t = type.get(); t != null; t = t.getEnclosingClass()) {
          Optional<? extends Annotation> found = AnnotationSupport.findAnnotation(t, annotation);
          if (found.isPresent()) {
            return lifecycleOf(found.get());
          }
        }
      }
      c = c.get().getParent();
    }
    return Lifecycle.PER_CLASS;
  }

  /** The context of the top-level test class above {@code context}. */
  private static ExtensionContext outermostClass(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getParent().isPresent() && c.getParent().get().getTestClass().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  /** Closes the fixture when its scope's store is closed, once. */
  // deprecation: CloseableResource, for JUnit versions before 5.13; try: a fixture's close may throw anything
  @SuppressWarnings({"deprecation", "try"})
  static final class Holder<F extends AutoCloseable>
      implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    final F fixture;
    private boolean closed;

    Holder(F fixture) {
      this.fixture = fixture;
    }

    @Override
    public synchronized void close() throws Exception {
      if (!closed) {
        closed = true;
        fixture.close();
      }
    }
  }
}
