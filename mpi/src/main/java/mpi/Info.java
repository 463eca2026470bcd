package mpi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hints as keys and values. jccl reads none of them; the class is here so that programs that pass
 * hints compile and run.
 */
public final class Info {
    private final Map<String, String> entries = new LinkedHashMap<>();
    private boolean freed;

    /** An empty set of hints. */
    public Info() {
    }

    /** Sets {@code key} to {@code value}. */
    public void set(String key, String value) throws MPIException {
        entries.put(key, value);
    }

    /** The value of {@code key}, or null. */
    public String get(String key) throws MPIException {
        return entries.get(key);
    }

    /** Removes {@code key}. */
    public void delete(String key) throws MPIException {
        if (entries.remove(key) == null) {
            throw new MPIException(MPI.ERR_INFO_NOKEY, "no hint " + key, null);
        }
    }

    /** The number of keys. */
    public int size() throws MPIException {
        return entries.size();
    }

    /** Key number {@code i}, in the order they were set. */
    public String getKey(int i) throws MPIException {
        List<String> keys = new ArrayList<>(entries.keySet());
        if (i < 0 || i >= keys.size()) {
            throw new MPIException(MPI.ERR_ARG, "key " + i + " is not in 0.." + (keys.size() - 1), null);
        }
        return keys.get(i);
    }

    /** A copy. */
    public Info dup() throws MPIException {
        Info copy = new Info();
        copy.entries.putAll(entries);
        return copy;
    }

    /** Marks the hints null. */
    public void free() throws MPIException {
        freed = true;
    }

    /** Whether the hints were freed. */
    public boolean isNull() {
        return freed;
    }
}
