package pe.agriscore.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of how a {@link KafkaScoringService} is doing, for a host's logs,
 * readiness and liveness checks. {@link #state()} is {@link KafkaScoringService.State#DEGRADED}
 * while the service runs but cannot make progress on its own (a write or transaction waiting
 * for the brokers longer than {@value KafkaScoringConfig#STALL_TIMEOUT_MS_CONFIG}, or failing and read
 * again); {@link #problems()} then says what, per thread.
 *
 * <pre>{@code
 * ServiceHealth h = service.health();
 * boolean ready = h.isReady();                 // RUNNING: scoring
 * boolean live = h.isLive();                   // RUNNING or DEGRADED: restarting will not help yet
 * if (!ready) log.warn("scoring {}: {}", h.state(), h.problems());
 * }</pre>
 *
 * @param state the lifecycle state, DEGRADED while {@code problems} is not empty
 * @param problems what keeps the service from progressing, one line per condition; empty when
 *     RUNNING; the failure when FAILED
 * @param sinceLastRecords time since a poll last returned records, empty if none did yet
 * @param sinceLastCommit time since a batch was last committed, empty if none was yet
 * @param assignedPartitions input partitions assigned to this instance's consumers now (0 is
 *     normal for an instance beyond the partition count)
 * @param liveThreads threads the service started that are still alive (empty once it stopped)
 * @param at when the snapshot was taken
 */
public record ServiceHealth(
    KafkaScoringService.State state,
    List<String> problems,
    Optional<Duration> sinceLastRecords,
    Optional<Duration> sinceLastCommit,
    int assignedPartitions,
    List<String> liveThreads,
    Instant at) {

  public ServiceHealth {
    Objects.requireNonNull(state, "state");
    problems = List.copyOf(problems);
    Objects.requireNonNull(sinceLastRecords, "sinceLastRecords");
    Objects.requireNonNull(sinceLastCommit, "sinceLastCommit");
    liveThreads = List.copyOf(liveThreads);
    Objects.requireNonNull(at, "at");
  }

  /** Whether the service is scoring: {@code RUNNING}. */
  public boolean isReady() {
    return state == KafkaScoringService.State.RUNNING;
  }

  /**
   * Whether the service is alive: {@code RUNNING} or {@code DEGRADED} (it keeps retrying what
   * failed; a DEGRADED service recovers when the brokers do). False when not started, stopping,
   * stopped or failed.
   */
  public boolean isLive() {
    return isReady() || state == KafkaScoringService.State.DEGRADED;
  }
}
