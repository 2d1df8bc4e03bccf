package pe.agriscore.samples.training;

/**
 * One epoch of MLP training, for progress and the report.
 *
 * <pre>{@code
 * model.history().forEach(e -> System.out.println(e.epoch() + " " + e.validationLoss()));
 * }</pre>
 *
 * @param epoch 1-based
 * @param trainLoss mean training log-loss over the epoch's batches (without the L2 penalty)
 * @param validationLoss validation log-loss after the epoch
 */
public record MlpEpoch(int epoch, double trainLoss, double validationLoss) {}
