package dev.envelope.testkit.junit;

import java.lang.annotation.Annotation;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
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

  /** What this extension injects, the first match winning. */
  abstract List<Injectable<F>> injectables();

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
    return injectable(parameter.getParameter()).isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Injectable<F> injectable = injectable(parameter.getParameter()).orElseThrow(
        () -> new ParameterResolutionException("the " + name() + " does not inject " + parameter.getParameter()));
    return injectable.value().apply(fixture(context));
  }

  private Optional<Injectable<F>> injectable(Parameter parameter) {
    return injectables().stream().filter(i -> i.matches(parameter)).findFirst();
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

  /**
   * A value the extension injects: a parameter of exactly {@code type}, carrying the annotation
   * {@code qualifier} unless it is null (a qualifier keeps a common type such as {@code String}
   * or {@code Path} from competing with other resolvers), filled with {@code value} of the fixture.
   */
  record Injectable<F>(Class<?> type, Class<? extends Annotation> qualifier, Function<F, ?> value) {
    static <F> Injectable<F> of(Class<?> type, Function<F, ?> value) {
      return new Injectable<>(type, null, value);
    }

    static <F> Injectable<F> qualified(Class<?> type, Class<? extends Annotation> qualifier, Function<F, ?> value) {
      return new Injectable<>(type, Objects.requireNonNull(qualifier, "qualifier"), value);
    }

    boolean matches(Parameter parameter) {
      return parameter.getType() == type && (qualifier == null || parameter.isAnnotationPresent(qualifier));
    }
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
