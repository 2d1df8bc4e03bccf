package pe.agriscore.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import pe.agriscore.schema.Feature;
import pe.agriscore.CreditScorer;
import pe.agriscore.ModelDescription;
import pe.agriscore.schema.ScoreScale;
import pe.agriscore.trust.VerifiedSignature;

/**
 * One loaded model: its scorer and what {@code GET /v1/models/{name}} publishes about it,
 * computed once at load.
 *
 * @param scorer the scorer (thread-safe, shared by every request)
 * @param description what the scorer runs
 * @param document the model document: identity, checksums, the signatures verified, input
 *     schema, reason-code catalogue and score scale with its grade bands
 * @param summary the model's entry in {@code GET /v1/models}
 * @param featureNames the schema's feature names, so metrics name a feature only when the schema
 *     has it (a request's unknown field names never become metric labels)
 * @param loadSeconds how long opening the bundle and verifying its golden cases took
 */
record ServedModel(CreditScorer scorer, ModelDescription description, ObjectNode document,
    ObjectNode summary, Set<String> featureNames, double loadSeconds) {

  static ServedModel of(CreditScorer scorer, ObjectMapper json, double loadSeconds) {
    ModelDescription d = scorer.model();
    ObjectNode summary = json.createObjectNode();
    summary.put("name", d.name());
    summary.put("version", d.version());
    summary.put("engine", d.engine());
    summary.put("createdAt", d.createdAt().toString());
    summary.put("manifestSha256", d.manifestSha256());
    summary.put("href", "/v1/models/" + d.name());

    ObjectNode doc = summary.deepCopy();
    doc.remove("href");
    doc.put("description", d.description());
    ObjectNode checksums = doc.putObject("fileChecksums");
    d.fileChecksums().forEach(checksums::put);
    doc.put("goldenCasesVerified", d.goldenCaseCount());
    // What the trust policy verified, for the model inventory: who signed, in which role, when.
    ObjectNode trust = doc.putObject("trust");
    trust.put("policy", d.trust().policy());
    ArrayNode signatures = trust.putArray("signatures");
    for (VerifiedSignature s : d.trust().signatures()) {
      ObjectNode sig = signatures.addObject().put("file", s.file()).put("keyId", s.keyId())
          .put("owner", s.owner()).put("role", s.role())
          .put("signedAt", s.signedAt() == null ? null : s.signedAt().toString());
      s.roles().stream().sorted().forEach(sig.putArray("keyRoles")::add);
    }
    doc.set("inputSchema", tree(json, d.schema().toJson()));
    ArrayNode reasons = doc.putArray("reasonCodes");
    Set<String> names = new HashSet<>();
    for (Feature f : d.schema().features()) {
      names.add(f.name());
      if (f.text().reasonCode() != null) {
        reasons.addObject().put("code", f.text().reasonCode()).put("feature", f.name())
            .put("es", f.text().reasonEs()).put("en", f.text().reasonEn());
      }
    }
    ScoreScale scale = d.scoreScale();
    ObjectNode scaleNode = (ObjectNode) tree(json, scale.toJson());
    ArrayNode bands = scaleNode.putArray("gradeBands");
    int upper = scale.maxPoints();
    for (ScoreScale.Grade g : scale.grades()) {
      int lower = Math.max(g.minPoints(), scale.minPoints());
      bands.addObject().put("grade", g.grade()).put("minPoints", lower).put("maxPoints", upper);
      upper = lower - 1;
    }
    doc.set("scoreScale", scaleNode);
    return new ServedModel(scorer, d, doc, summary, Set.copyOf(names), loadSeconds);
  }

  private static JsonNode tree(ObjectMapper json, String text) {
    try {
      return json.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
