package io.hangcheck.evaluator.messaging;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.InMemoryKeyValueStore;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory stores whose content outlives the {@link org.apache.kafka.streams.TopologyTestDriver} that wrote it: what
 * a crashed instance's successor restores from the changelog. The driver commits after every record, so the content
 * is what every processed record committed — and nothing the processor kept only in memory. A new driver over the
 * same {@code SurvivingStores} starts its task from that content (a restart, or a takeover by another instance),
 * far cheaper than RocksDB in the driver (which flushes after every record).
 */
final class SurvivingStores {
    private final Map<String, TreeMap<Bytes, byte[]>> disk = new ConcurrentHashMap<>();

    KeyValueBytesStoreSupplier supplier(String name) {
        TreeMap<Bytes, byte[]> content = disk.computeIfAbsent(name, n -> new TreeMap<>());
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new InMemoryKeyValueStore(name) {
                    @Override
                    public void init(StateStoreContext context, StateStore root) {
                        super.init(context, root);
                        synchronized (content) {
                            content.forEach(super::put); // the restored content, not written again
                        }
                    }

                    @Override
                    public synchronized void put(Bytes key, byte[] value) {
                        super.put(key, value);
                        synchronized (content) {
                            if (value == null) {
                                content.remove(key);
                            } else {
                                content.put(key, value.clone());
                            }
                        }
                    }

                    @Override
                    public synchronized byte[] delete(Bytes key) {
                        synchronized (content) {
                            content.remove(key);
                        }
                        return super.delete(key);
                    }

                    @Override
                    public synchronized void putAll(java.util.List<org.apache.kafka.streams.KeyValue<Bytes, byte[]>> entries) {
                        entries.forEach(kv -> put(kv.key, kv.value));
                    }
                };
            }

            @Override
            public String metricsScope() {
                return "in-memory";
            }
        };
    }
}
