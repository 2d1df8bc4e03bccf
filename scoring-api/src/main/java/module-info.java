/**
 * AgriScore's scoring API: open a model bundle and score credit applicants with it.
 *
 * <p>What a bank developer uses is in two packages: {@link pe.agriscore} (the entry point,
 * {@link pe.agriscore.CreditScorer}) and {@link pe.agriscore.scoring} (requests, results, errors,
 * the JSON wire format). {@link pe.agriscore.schema} holds the read-only model a bundle declares,
 * {@link pe.agriscore.authoring} writes, signs and encrypts bundles, {@link pe.agriscore.trust}
 * judges their signatures (the trust policy) and holds the key providers, and {@link
 * pe.agriscore.engine} is the SPI that engine modules implement. Everything else is internal:
 * {@code pe.agriscore.engine.internal} is exported only to AgriScore's own engine modules,
 * {@code pe.agriscore.internal.bundle} only to the conformance kit, and the JSON mapper's
 * packages are opened only to Jackson.
 *
 * <pre>{@code
 * module com.example.loans {
 *   requires pe.agriscore;
 *   requires pe.agriscore.engine.tf; // or pe.agriscore.engine.pt; the scorecard engine is built in
 * }
 * }</pre>
 *
 * @uses pe.agriscore.engine.ScoringEngine the engines that load a bundle's model, found by name
 * @provides pe.agriscore.engine.ScoringEngine the built-in {@code scorecard} engine
 */
module pe.agriscore {
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires org.slf4j;
  // The JVM fast path's Vector API kernel, used only where the application enables the module
  // (--add-modules jdk.incubator.vector); DenseNetwork checks at run time and falls back to
  // scalar loops.
  requires static jdk.incubator.vector;

  exports pe.agriscore;
  exports pe.agriscore.scoring;
  exports pe.agriscore.schema;
  exports pe.agriscore.authoring;
  exports pe.agriscore.engine;
  exports pe.agriscore.trust;

  // What AgriScore's native engines share to set up their natives (shared options, process-wide
  // steps): not an API, so only for them. Engines get the bundle as a ModelFiles view.
  exports pe.agriscore.engine.internal to pe.agriscore.engine.tf, pe.agriscore.engine.pt;

  // The conformance kit opens bundles to score their golden cases.
  exports pe.agriscore.internal.bundle to pe.agriscore.engine.conformance;

  // The strict mapper reads and writes the bundle files' records, some of them private.
  opens pe.agriscore.schema to com.fasterxml.jackson.databind;
  opens pe.agriscore.internal.bundle to com.fasterxml.jackson.databind;
  opens pe.agriscore.scorecard to com.fasterxml.jackson.databind;

  uses pe.agriscore.engine.ScoringEngine;

  provides pe.agriscore.engine.ScoringEngine with pe.agriscore.scorecard.ScorecardEngine;
}
