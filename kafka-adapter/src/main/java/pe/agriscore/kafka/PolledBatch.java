package pe.agriscore.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** A polled batch, with the offsets to commit and to rewind to, and its scoring on its way. */
final class PolledBatch {
  final List<ConsumerRecord<byte[], byte[]>> records;
  final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
  /** Set once, by the worker thread, when the batch is handed to the scoring thread. */
  Future<ScoredBatch> scoring;

  PolledBatch(ConsumerRecords<byte[], byte[]> polled) {
    records = new ArrayList<>(polled.count());
    for (TopicPartition tp : polled.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> part = polled.records(tp);
      records.addAll(part);
      firstOffsets.put(tp, part.get(0).offset());
      offsets.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
    }
  }

  int size() {
    return records.size();
  }
}
