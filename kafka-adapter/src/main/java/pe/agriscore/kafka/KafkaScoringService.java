package pe.agriscore.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.ScoringJson;

/**
 * Scores a Kafka topic of JSON scoring requests into a topic of JSON scores, with a dead-letter
 * topic for records that cannot be scored. Exactly once by default; scales out by starting more
 * instances (or {@value KafkaScoringConfig#CONSUMER_THREADS_CONFIG} threads) in the same consumer group.
 *
 * <pre>{@code
 * CreditScorer scorer = CreditScorer.open(Path.of("models/farmer-scorecard"));
 * KafkaScoringService service = KafkaScoringService.builder(scorer)
 *     .property("bootstrap.servers", "kafka-1:9093")
 *     .property("group.id", "agriscore-scoring")
 *     .property("security.protocol", "SASL_SSL")      // any Kafka client setting
 *     .inputTopic("loan-applications")
 *     .outputTopic("loan-scores")
 *     .deadLetterTopic("loan-applications-dlq")
 *     .build();
 * service.start();                                    // ServiceStartException if it cannot run
 * Runtime.getRuntime().addShutdownHook(new Thread(service::close));
 * ...
 * ServiceHealth health = service.health();            // for readiness and liveness probes
 * if (!health.isReady()) log.warn("scoring {}: {}", health.state(), health.problems());
 * }</pre>
 *
 * <p><b>Records.</b> Input values are requests in the format of {@code
 * ScoringJson.readRequest}, keyed by applicant id. Each yields exactly one record: a score
 * ({@code ScoringJson.write}) on the output topic with the request's key, or the original
 * record, byte for byte, on the dead-letter topic with {@link DeadLetterHeaders} saying why.
 * Polled records are scored as one batch through {@link CreditScorer#scoreAll}.
 *
 * <p><b>Lifecycle.</b> {@link Builder#build()} checks the configuration and refuses unsafe
 * combinations with a {@link ConfigException}; {@link #start()} checks that the brokers answer
 * and the topics exist, creates the clients, initializes the transactions and starts the threads,
 * or throws a {@link ServiceStartException} within {@value KafkaScoringConfig#STARTUP_TIMEOUT_MS_CONFIG};
 * {@link #close()} lets each thread finish and commit the batch in hand, then closes its
 * clients, and returns within {@value KafkaScoringConfig#SHUTDOWN_TIMEOUT_MS_CONFIG} plus 10 s. The
 * threads are daemon threads: a host whose {@code main} returns exits even if one is stuck. The
 * scorer belongs to the caller, who closes it after the service. If a thread fails (for example
 * it was fenced by a newer instance, or the engine failure policy is {@code fail}), the whole
 * service stops: {@link #state()} becomes {@link State#FAILED} and {@link #failure()} says why.
 * While running, {@link #state()} is {@link State#DEGRADED} when the service waits for the
 * brokers or keeps failing to write; {@link #health()} says why.
 *
 * <p>Thread-safe.
 */
public final class KafkaScoringService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaScoringService.class);
  /** How long abandoned threads get to end after being interrupted. */
  private static final Duration ABANDON_GRACE = Duration.ofSeconds(10);

  /** The lifecycle of a service. */
  public enum State {
    /** Built, not started. */
    CREATED,
    /** Threads are consuming and scoring. */
    RUNNING,
    /**
     * Running, but a write, commit or transaction initialization has waited for the brokers
     * longer than {@value KafkaScoringConfig#STALL_TIMEOUT_MS_CONFIG}, or the last write failed and its
     * batch is being read again. Leaves by itself when the brokers answer again; {@link
     * #health()} says what is wrong.
     */
    DEGRADED,
    /** {@link #close()} was called; threads are finishing their batches. */
    STOPPING,
    /** Every thread finished and closed its clients. */
    STOPPED,
    /** A thread failed; every thread stopped or is stopping. See {@link #failure()}. */
    FAILED
  }

  private final CreditScorer scorer;
  private final KafkaScoringConfig config;
  /** The limits requests are parsed within, checked against the model when built. */
  private final ScoringJson.Limits requestLimits;
  private final ServiceMetrics metrics;
  private final List<Thread> threads = new ArrayList<>();
  private volatile List<ScoringWorker> workers = List.of();
  private volatile State state = State.CREATED;
  private volatile Throwable failure;
  private boolean started;

  private KafkaScoringService(CreditScorer scorer, KafkaScoringConfig config) {
    this.scorer = scorer;
    this.config = config;
    this.requestLimits = config.requestLimits(scorer.model().schema().size());
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("group", config.groupId);
    tags.put("topic", config.inputTopic);
    tags.put("instance", config.instanceId);
    this.metrics = new ServiceMetrics(tags);
  }

  /** Starts configuring a service that scores with {@code scorer} (shared by its threads). */
  public static Builder builder(CreditScorer scorer) {
    return new Builder(scorer);
  }

  /**
   * Checks the brokers and topics, creates the Kafka clients, initializes the transactions and
   * starts consuming. Returns once every thread is ready to poll (joining the group happens on
   * the threads), or throws within {@value KafkaScoringConfig#STARTUP_TIMEOUT_MS_CONFIG} (default 30 s)
   * with the service {@link State#FAILED} and everything it created released.
   *
   * @throws IllegalStateException if already started
   * @throws ServiceStartException if no broker answers {@code bootstrap.servers} (or it is a
   *     controller), a topic is missing or may not be described, or a transactional producer
   *     cannot initialize in time; the message names what to change
   * @throws org.apache.kafka.common.KafkaException if a Kafka client refuses its configuration
   */
  public void start() {
    long deadline;
    List<ScoringWorker> created = new ArrayList<>();
    synchronized (this) {
      if (started || state != State.CREATED) {
        throw new IllegalStateException("a service starts once; it is " + state);
      }
      started = true;
      deadline = System.nanoTime() + config.startupTimeout.toNanos();
      StartCheck.Found found;
      try {
        found = StartCheck.run(config);
      } catch (RuntimeException e) {
        state = State.FAILED;
        failure = e;
        throw e;
      }
      try {
        for (int i = 0; i < config.threads; i++) {
          created.add(new ScoringWorker(i, config, scorer, requestLimits, metrics, found.limits(),
              found.producerDefaults(), this::workerFailed));
        }
      } catch (RuntimeException e) {
        for (ScoringWorker w : created) {
          w.closeUnstarted();
        }
        metrics.close();
        state = State.FAILED;
        failure = e;
        throw e;
      }
      workers = List.copyOf(created);
      state = State.RUNNING;
      for (ScoringWorker w : created) {
        Thread t = new Thread(w, w.threadName());
        // A worker stuck in a client call must never keep the host's JVM alive.
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }
    // Outside the lock: a worker that fails while starting reports through workerFailed.
    awaitReady(created, deadline);
    LOG.info("scoring {} into {} ({} dead letters) with model {} {}: {}, {} thread(s), group {}",
        config.inputTopic, config.outputTopic, config.deadLetterTopic, scorer.modelName(),
        scorer.modelVersion(), config.deliveryMode.configValue(), config.threads,
        config.groupId);
  }

  /** Waits until every worker is ready; on a failure or the deadline, stops them and throws. */
  private void awaitReady(List<ScoringWorker> created, long deadline) {
    try {
      for (ScoringWorker w : created) {
        while (!w.awaitReady(Duration.ofMillis(50))) {
          Throwable f = failure;
          if (f != null) {
            stopAfterFailedStart();
            throw new ServiceStartException("the service failed while starting: " + f, f);
          }
          if (System.nanoTime() > deadline) {
            String stalled = w.stalledOn(System.nanoTime(), Duration.ZERO);
            ServiceStartException e = new ServiceStartException("not ready within "
                + KafkaScoringConfig.STARTUP_TIMEOUT_MS_CONFIG + "=" + config.startupTimeout.toMillis()
                + ": " + (stalled != null ? stalled : w.threadName() + " did not start"));
            synchronized (this) {
              failure = e;
              state = State.FAILED;
            }
            stopAfterFailedStart();
            throw e;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      synchronized (this) {
        failure = e;
        state = State.FAILED;
      }
      stopAfterFailedStart();
      throw new ServiceStartException("interrupted while starting", e);
    }
  }

  private void stopAfterFailedStart() {
    for (ScoringWorker w : workers) {
      w.abandon();
    }
    boolean interrupted = Thread.interrupted();
    try {
      awaitTermination(ABANDON_GRACE);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    metrics.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void workerFailed(ScoringWorker worker, Throwable cause) {
    synchronized (this) {
      if (failure == null) {
        failure = cause;
      }
      state = State.FAILED;
    }
    for (ScoringWorker w : workers) {
      w.requestStop();
    }
  }

  /**
   * The current lifecycle state: {@link State#DEGRADED} rather than {@link State#RUNNING} while
   * {@link #health()} lists problems.
   */
  public State state() {
    State s = state;
    return s == State.RUNNING && !problems(System.nanoTime()).isEmpty() ? State.DEGRADED : s;
  }

  /**
   * How the service is doing now: its state, what keeps it from progressing, the time since
   * records last arrived and since the last commit, its assigned partitions and live threads.
   * Cheap enough for a readiness probe.
   */
  public ServiceHealth health() {
    long now = System.nanoTime();
    State s = state;
    List<String> problems = s == State.RUNNING ? problems(now) : new ArrayList<>();
    Throwable f = failure;
    if (s == State.FAILED && f != null) {
      problems.add(String.valueOf(f));
    }
    int assigned = 0;
    for (ScoringWorker w : workers) {
      assigned += w.assignedPartitions();
    }
    List<String> alive = new ArrayList<>();
    for (Thread t : threadsSnapshot()) {
      if (t.isAlive()) {
        alive.add(t.getName());
      }
    }
    return new ServiceHealth(s == State.RUNNING && !problems.isEmpty() ? State.DEGRADED : s,
        problems, since(now, metrics.lastRecordsNanos.get()),
        since(now, metrics.lastCommitNanos.get()), assigned, alive,
        Instant.now());
  }

  private List<String> problems(long now) {
    List<String> problems = new ArrayList<>();
    for (ScoringWorker w : workers) {
      String stalled = w.stalledOn(now, config.stallTimeout);
      if (stalled != null) {
        problems.add(stalled);
      }
      String failed = w.lastWriteFailure(now);
      if (failed != null) {
        problems.add(failed);
      }
    }
    return problems;
  }

  private static Optional<Duration> since(long now, long nanos) {
    return nanos == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(now - nanos));
  }

  /** Why the service failed, if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** The delivery mode in force. */
  public DeliveryMode deliveryMode() {
    return config.deliveryMode;
  }

  /** The counters so far, summed over the threads; zeros before {@link #start()}. */
  public ScoringMetrics metrics() {
    return metrics.snapshot();
  }

  /** The counters that {@link KafkaScoringMetrics} publishes. */
  ServiceMetrics serviceMetrics() {
    return metrics;
  }

  /**
   * Waits until every thread has ended (after {@link #close()} or a failure).
   *
   * @return true if they all ended within {@code timeout}
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : threadsSnapshot()) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      }
      if (t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  private synchronized List<Thread> threadsSnapshot() {
    return new ArrayList<>(threads);
  }

  /**
   * Stops gracefully: each thread finishes scoring the batch in hand, commits it and closes its
   * clients, within {@value KafkaScoringConfig#SHUTDOWN_TIMEOUT_MS_CONFIG}; a thread still busy then
   * abandons its batch uncommitted (it is read again later) and is interrupted, which ends a
   * send or transaction call waiting for the brokers. Returns at the latest 10 s after that; a
   * thread still alive then is named in an ERROR log and in {@link ServiceHealth#liveThreads()}
   * (it is a daemon thread and does not keep the JVM alive). Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (state == State.CREATED || state == State.FAILED && workers.isEmpty()) {
        state = state == State.CREATED ? State.STOPPED : state;
        metrics.close();
        return;
      }
      if (state == State.RUNNING) {
        state = State.STOPPING;
      }
    }
    for (ScoringWorker w : workers) {
      w.requestStop();
    }
    boolean interrupted = false;
    try {
      if (!awaitTermination(config.shutdownTimeout)) {
        LOG.warn("threads still busy after {}; abandoning their batches",
            config.shutdownTimeout);
        for (ScoringWorker w : workers) {
          w.abandon();
        }
        if (!awaitTermination(ABANDON_GRACE)) {
          List<String> alive = health().liveThreads();
          LOG.error("close(): threads {} did not end within {} after being interrupted; they are"
              + " daemon threads and will not keep the JVM from exiting", alive, ABANDON_GRACE);
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
      for (ScoringWorker w : workers) {
        w.abandon();
      }
    }
    synchronized (this) {
      if (state == State.STOPPING) {
        state = State.STOPPED;
      }
    }
    metrics.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Configures a {@link KafkaScoringService}: Kafka client properties plus the adapter settings
   * of {@link KafkaScoringConfig}, in one map.
   */
  public static final class Builder {
    private final CreditScorer scorer;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    private Builder(CreditScorer scorer) {
      this.scorer = Objects.requireNonNull(scorer, "scorer");
    }

    /**
     * Adds properties: Kafka client settings for both clients, {@code consumer.}/{@code
     * producer.}-prefixed ones for one client, and {@code agriscore.} adapter settings. Accepts
     * a {@link java.util.Properties}.
     */
    public Builder properties(Map<?, ?> values) {
      values.forEach((k, v) -> property(String.valueOf(k), v));
      return this;
    }

    /** Adds one property (see {@link #properties}). */
    public Builder property(String key, Object value) {
      properties.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /** Sets {@value KafkaScoringConfig#INPUT_TOPIC_CONFIG}. */
    public Builder inputTopic(String topic) {
      return property(KafkaScoringConfig.INPUT_TOPIC_CONFIG, topic);
    }

    /** Sets {@value KafkaScoringConfig#OUTPUT_TOPIC_CONFIG}. */
    public Builder outputTopic(String topic) {
      return property(KafkaScoringConfig.OUTPUT_TOPIC_CONFIG, topic);
    }

    /** Sets {@value KafkaScoringConfig#DEAD_LETTER_TOPIC_CONFIG}. */
    public Builder deadLetterTopic(String topic) {
      return property(KafkaScoringConfig.DEAD_LETTER_TOPIC_CONFIG, topic);
    }

    /** Sets {@value KafkaScoringConfig#DELIVERY_MODE_CONFIG}. Default exactly once. */
    public Builder deliveryMode(DeliveryMode mode) {
      return property(KafkaScoringConfig.DELIVERY_MODE_CONFIG, mode.configValue());
    }

    /**
     * Checks the configuration and builds the service (no connection is made yet).
     *
     * @throws ConfigException naming the property and why its value is refused
     */
    public KafkaScoringService build() {
      return new KafkaScoringService(scorer, new KafkaScoringConfig(properties));
    }
  }
}
