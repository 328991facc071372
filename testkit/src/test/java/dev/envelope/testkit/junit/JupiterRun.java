package dev.envelope.testkit.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs one test class on the JUnit Jupiter engine, as a user's build would, and records what
 * happened to each test and container: the kit's extensions are checked by what users see.
 */
final class JupiterRun {
  /** One finished or skipped test or container. */
  record Outcome(String name, boolean test, String status, Optional<Throwable> failure, String skipReason) {
    @Override
    public String toString() {
      return name + ": " + status + failure.map(t -> " " + t).orElse("") + (skipReason == null ? "" : " (" + skipReason + ")");
    }
  }

  final List<Outcome> outcomes = new ArrayList<>();

  private JupiterRun() {}

  static JupiterRun of(Class<?> testClass) {
    JupiterRun run = new JupiterRun();
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(testClass))
        .filters(org.junit.platform.launcher.EngineFilter.includeEngines("junit-jupiter"))
        .configurationParameter(Subject.PARAMETER, "true")
        .build();
    LauncherFactory.create().execute(request, new TestExecutionListener() {
      @Override
      public void executionSkipped(TestIdentifier id, String reason) {
        run.outcomes.add(new Outcome(id.getDisplayName(), id.isTest(), "SKIPPED", Optional.empty(), reason));
      }

      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.getSource().isEmpty()) {
          return; // the engine
        }
        run.outcomes.add(new Outcome(id.getDisplayName(), id.isTest(), result.getStatus().name(),
            result.getThrowable(), null));
      }
    });
    return run;
  }

  /** Tests that passed. */
  long succeeded() {
    return outcomes.stream().filter(o -> o.test() && o.status().equals("SUCCESSFUL")).count();
  }

  /** Every failure, of tests and containers. */
  List<Throwable> failures() {
    return outcomes.stream().filter(o -> o.status().equals("FAILED")).map(o -> o.failure().orElseThrow()).toList();
  }

  @Override
  public String toString() {
    return outcomes.toString();
  }
}
