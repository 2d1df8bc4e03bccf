package pe.agriscore.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import pe.agriscore.engine.EngineException;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.ScorerClosedException;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringResult;

/**
 * The {@code /v1} API: score one applicant, score a batch, and describe the loaded models. Bodies
 * are the SDK's JSON wire formats ({@code docs/json-formats.md}) read and written by {@link
 * ScoringJson}, plus a {@code decisionId} per score and a {@code message} per reason in the
 * {@code Accept-Language} chosen.
 */
@RestController
@RequestMapping("/v1")
final class ScoringController {

  /** Request attributes the access log reads. */
  static final String ATTR_MODEL = "agriscore.model";
  static final String ATTR_OUTCOME = "agriscore.outcome";

  private static final Logger LOG = LoggerFactory.getLogger("pe.agriscore.service.scoring");

  private final ModelRegistry models;
  private final ServiceProperties props;
  private final ScoringMetrics metrics;
  private final ApplicantIds applicantIds;
  private final ObjectMapper json;
  private final ScoringJson.Limits limits;
  private final JsonFactory batchJson;

  ScoringController(ModelRegistry models, ServiceProperties props, ScoringMetrics metrics,
      ApplicantIds applicantIds, ObjectMapper json) {
    this.models = models;
    this.props = props;
    this.metrics = metrics;
    this.applicantIds = applicantIds;
    this.json = json;
    this.limits = ScoringJson.Limits.builder()
        .maxRequestBytes((int) Math.min(Integer.MAX_VALUE, props.maxRequestSize().toBytes()))
        .build();
    // The envelope of a batch is read here, each request in it by ScoringJson with its limits.
    // No duplicate detection here: it would reach into the requests, whose duplicates
    // ScoringJson reports in place; the envelope's one property is checked by hand.
    this.batchJson = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
        .build();
  }

  /** {@code POST /v1/models/{name}/score}: one request, one score. */
  @PostMapping(path = "/models/{name}/score", consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> score(@PathVariable("name") String name, HttpServletRequest http,
      @RequestHeader(value = HttpHeaders.ACCEPT_LANGUAGE, required = false) String accept) {
    long start = System.nanoTime();
    ServedModel m = model(name);
    http.setAttribute(ATTR_MODEL, m);
    Language lang = Language.of(accept);
    String outcome = "scored";
    int status = 200;
    try {
      byte[] body = read(http, props.maxRequestSize().toBytes(), "a score request");
      CreditScore s;
      long scoring = System.nanoTime();
      try {
        ScoringRequest r = ScoringJson.readRequest(body, limits);
        scoring = System.nanoTime();
        s = m.scorer().score(r);
      } catch (InvalidRequestException e) {
        outcome = "invalid_request";
        status = 400;
        invalid(m, e.applicantId(), e.violations());
        throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid scoring request",
            e.getMessage())
            .with("applicantId", e.applicantId())
            .with("violations", violations(e.violations()))
            .with("omittedViolations", e.omittedViolations())
            .with("model", modelRef(m));
      } catch (EngineException e) {
        outcome = "engine_failure";
        status = 500;
        metrics.result(m.description().name(), outcome);
        LOG.atError().addKeyValue("agriscore.model.name", m.description().name())
            .addKeyValue("event.outcome", "failure")
            .log("engine failure: {}", e.getMessage());
        throw new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "engine-failure",
            "Engine failure", ScoringError.engineFailure(null, m.description().engine(), e,
                m.description().name(), m.description().version(), Instant.now()).message())
            .with("model", modelRef(m));
      } catch (ScorerClosedException e) {
        outcome = "closed";
        status = 503;
        throw ApiProblem.notReady("the service is shutting down: " + e.getMessage());
      }
      metrics.scorer(m.description().name(), "score", System.nanoTime() - scoring);
      metrics.score(m, s);
      String decisionId = UUID.randomUUID().toString();
      logScore(m, decisionId, s, System.nanoTime() - scoring);
      ObjectNode out = scoreNode(decisionId, s, lang);
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
          .header(HttpHeaders.CONTENT_LANGUAGE, lang.tag()).body(bytes(out));
    } catch (ApiProblem p) {
      status = p.status().value();
      if (outcome.equals("scored")) {
        outcome = "rejected";
      }
      throw p;
    } finally {
      http.setAttribute(ATTR_OUTCOME, outcome);
      metrics.request(m.description().name(), "score", outcome, status, System.nanoTime() - start);
    }
  }

  /**
   * {@code POST /v1/models/{name}/score:batch}: {@code {"requests": [...]}}, up to {@code
   * agriscore.service.max-batch-size} requests scored in engine calls of the SDK's size; every
   * result, score or error, in place and in order, with its {@code index}.
   */
  @PostMapping(path = "/models/{name}/score:batch", consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> scoreBatch(@PathVariable("name") String name, HttpServletRequest http,
      @RequestHeader(value = HttpHeaders.ACCEPT_LANGUAGE, required = false) String accept) {
    long start = System.nanoTime();
    ServedModel m = model(name);
    http.setAttribute(ATTR_MODEL, m);
    Language lang = Language.of(accept);
    String outcome = "scored";
    int status = 200;
    try {
      byte[] body = read(http, props.maxBatchBytes().toBytes(), "a batch");
      List<byte[]> items = splitBatch(body);
      ScoringResult[] results = new ScoringResult[items.size()];
      List<ScoringRequest> valid = new ArrayList<>();
      List<Integer> validIndex = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        try {
          valid.add(ScoringJson.readRequest(items.get(i), limits));
          validIndex.add(i);
        } catch (InvalidRequestException e) {
          results[i] = ScoringError.invalidRequest(e, m.description().name(),
              m.description().version(), Instant.now());
        }
      }
      long scoring = System.nanoTime();
      List<ScoringResult> scored;
      try {
        scored = m.scorer().scoreAll(valid);
      } catch (ScorerClosedException e) {
        outcome = "closed";
        throw ApiProblem.notReady("the service is shutting down: " + e.getMessage());
      }
      long scorerNanos = System.nanoTime() - scoring;
      metrics.scorer(m.description().name(), "batch", scorerNanos);
      for (int j = 0; j < scored.size(); j++) {
        results[validIndex.get(j)] = scored.get(j);
      }
      ObjectNode out = json.createObjectNode();
      out.set("model", modelRef(m));
      ArrayNode list = out.putArray("results");
      int failed = 0;
      for (int i = 0; i < results.length; i++) {
        ObjectNode item = json.createObjectNode();
        item.put("index", i);
        if (results[i] instanceof CreditScore s) {
          metrics.score(m, s);
          String decisionId = UUID.randomUUID().toString();
          logScore(m, decisionId, s, scorerNanos);
          item.setAll(scoreNode(decisionId, s, lang));
        } else {
          ScoringError e = (ScoringError) results[i];
          failed++;
          if (e.kind() == ScoringError.Kind.INVALID_REQUEST) {
            invalid(m, e.applicantId(), e.violations());
          } else {
            metrics.result(m.description().name(), "engine_failure");
          }
          item.setAll((ObjectNode) tree(ScoringJson.writeError(e)));
        }
        list.add(item);
      }
      out.put("scored", results.length - failed);
      out.put("failed", failed);
      outcome = failed == 0 ? "scored" : "partly_scored";
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
          .header(HttpHeaders.CONTENT_LANGUAGE, lang.tag()).body(bytes(out));
    } catch (ApiProblem p) {
      status = p.status().value();
      if (outcome.equals("scored")) {
        outcome = "rejected";
      }
      throw p;
    } finally {
      http.setAttribute(ATTR_OUTCOME, outcome);
      metrics.request(m.description().name(), "batch", outcome, status, System.nanoTime() - start);
    }
  }

  /**
   * {@code GET /v1/models}: what is served, whether every configured bundle is loaded, and why
   * a refused one was refused.
   */
  @GetMapping(path = "/models", produces = MediaType.APPLICATION_JSON_VALUE)
  ObjectNode listModels() {
    ObjectNode out = json.createObjectNode();
    out.put("ready", models.ready());
    ArrayNode list = out.putArray("models");
    models.all().forEach(m -> list.add(m.summary()));
    ArrayNode refused = out.putArray("refused");
    models.refused().forEach((bundle, problem) -> refused.addObject().put("bundle", bundle)
        .put("problem", problem));
    return out;
  }

  /**
   * {@code GET /v1/models/{name}}: identity, checksums, input schema, reason-code catalogue and
   * score scale with grade bands.
   */
  @GetMapping(path = "/models/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
  ObjectNode describeModel(@PathVariable("name") String name) {
    return model(name).document();
  }

  private ServedModel model(String name) {
    return models.find(name).orElseThrow(() -> {
      if (!models.ready()) {
        // The name may be that of a bundle still loading or refused: not a 404 yet.
        return ApiProblem.notReady("not every configured model is loaded and verified (see"
            + " /actuator/health/readiness); model '" + Safe.text(name) + "' is not available");
      }
      return ApiProblem.unknownModel(name,
          models.all().stream().map(m -> m.description().name()).toList());
    });
  }

  /**
   * Reads the body, refusing one above {@code max} bytes (by its Content-Length before reading,
   * or after {@code max + 1} bytes of a chunked one) with a 413.
   */
  private static byte[] read(HttpServletRequest http, long max, String what) {
    long declared = http.getContentLengthLong();
    if (declared > max) {
      throw ApiProblem.tooLarge(what + " has at most " + max + " bytes; this one declares "
          + declared).with("maxBytes", max);
    }
    try (InputStream in = http.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (body.length > max) {
        throw ApiProblem.tooLarge(what + " has at most " + max + " bytes; this one has more")
            .with("maxBytes", max);
      }
      return body;
    } catch (IOException e) {
      throw new ApiProblem(HttpStatus.BAD_REQUEST, "unreadable-body", "Unreadable body",
          "the request body could not be read: " + Safe.text(e.getMessage()));
    }
  }

  /**
   * The requests of a batch envelope {@code {"requests": [...]}}, each as its own bytes, so that
   * {@link ScoringJson#readRequest} judges each exactly as a single request.
   */
  private List<byte[]> splitBatch(byte[] body) {
    List<byte[]> items = new ArrayList<>();
    boolean sawRequests = false;
    try (JsonParser p = batchJson.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw badBatch("a batch must be a JSON object {\"requests\": [...]}");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (sawRequests && field.equals("requests")) {
          throw badBatch("duplicate property \"requests\"");
        }
        if (!field.equals("requests")) {
          throw badBatch("a batch has one property, \"requests\"; got \"" + Safe.text(field)
              + "\"");
        }
        sawRequests = true;
        if (p.nextToken() != JsonToken.START_ARRAY) {
          throw badBatch("\"requests\" must be an array of scoring requests");
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (items.size() == props.maxBatchSize()) {
            throw ApiProblem.tooLarge("a batch has at most " + props.maxBatchSize()
                + " requests (agriscore.service.max-batch-size)")
                .with("maxBatchSize", props.maxBatchSize());
          }
          int from = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          p.finishToken();
          int to = (int) p.currentLocation().getByteOffset();
          items.add(Arrays.copyOfRange(body, from, to));
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw badBatch("unexpected content after the batch object");
      }
    } catch (JsonProcessingException e) {
      throw badBatch("not a valid batch: " + Safe.text(e.getOriginalMessage()) + " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!sawRequests) {
      throw badBatch("a batch needs \"requests\": [...]");
    }
    return items;
  }

  private static ApiProblem badBatch(String detail) {
    return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-batch", "Invalid batch", detail)
        .with("violations", List.of(violation("$", "MALFORMED", detail)));
  }

  private void invalid(ServedModel m, String applicantId, List<Violation> violations) {
    metrics.result(m.description().name(), "invalid_request");
    violations.forEach(v -> metrics.violation(m, v));
    // Rules only: a violation's field and message may echo what the request sent.
    LOG.atInfo().addKeyValue("agriscore.model.name", m.description().name())
        .addKeyValue("agriscore.model.version", m.description().version())
        .addKeyValue("agriscore.applicant.hash", applicantIds.hash(applicantId))
        .addKeyValue("agriscore.violation.rules",
            violations.stream().map(v -> v.rule().name()).distinct().sorted().toList().toString())
        .addKeyValue("event.outcome", "failure")
        .log("request refused: {} violations", violations.size());
  }

  private void logScore(ServedModel m, String decisionId, CreditScore s, long nanos) {
    LoggingEventBuilder e = LOG.atInfo()
        .addKeyValue("agriscore.decision.id", decisionId)
        .addKeyValue("agriscore.model.name", m.description().name())
        .addKeyValue("agriscore.model.version", m.description().version())
        .addKeyValue("agriscore.applicant.hash", applicantIds.hash(s.applicantId()))
        .addKeyValue("event.outcome", "success")
        .addKeyValue("event.duration", nanos);
    e.log("scored");
  }

  private ObjectNode scoreNode(String decisionId, CreditScore s, Language lang) {
    ObjectNode out = json.createObjectNode();
    out.put("decisionId", decisionId);
    out.setAll((ObjectNode) tree(ScoringJson.writeScore(s)));
    for (JsonNode r : out.path("reasons")) {
      ((ObjectNode) r).put("message", r.path(lang == Language.EN ? "en" : "es").asText());
    }
    return out;
  }

  private ObjectNode modelRef(ServedModel m) {
    return json.createObjectNode().put("name", m.description().name())
        .put("version", m.description().version());
  }

  private static List<Map<String, String>> violations(List<Violation> vs) {
    return vs.stream().map(v -> violation(v.field(), v.rule().name(), v.message())).toList();
  }

  private static Map<String, String> violation(String field, String rule, String message) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("field", field);
    v.put("rule", rule);
    v.put("message", message);
    return v;
  }

  private JsonNode tree(byte[] bytes) {
    try {
      return json.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] bytes(JsonNode n) {
    try {
      return json.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
