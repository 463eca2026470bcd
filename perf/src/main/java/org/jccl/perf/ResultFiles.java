package org.jccl.perf;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a sweep's rows as CSV (a header line, then one line per {@link SweepRow}) or as JSON (the
 * run's description and its rows), and reads either back for {@code --compare}. Any program that
 * writes the same CSV columns (such as the Open MPI sweep in {@code perf/mpi}) can be compared.
 */
final class ResultFiles {
    /** What the JSON file says about the run as a whole. */
    record Run(String tool, String transport, int ranks, boolean inPlace, String jvm, String host, int cores,
               List<SweepRow> rows) {
    }

    private static final CsvMapper CSV = new CsvMapper();
    private static final CsvSchema SCHEMA = CSV.schemaFor(SweepRow.class).withHeader();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultFiles() {
    }

    static void writeCsv(Path file, List<SweepRow> rows) throws IOException {
        CSV.writer(SCHEMA).writeValue(file.toFile(), rows);
    }

    static void writeJson(Path file, Run run) throws IOException {
        JSON.writeValue(file.toFile(), run);
    }

    /** Reads rows written by {@link #writeCsv} or {@link #writeJson}, told apart by the file name. */
    static List<SweepRow> read(Path file) throws IOException {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            JsonNode rows = JSON.readTree(file.toFile()).path("rows");
            List<SweepRow> out = new ArrayList<>();
            for (JsonNode row : rows) {
                out.add(JSON.treeToValue(row, SweepRow.class));
            }
            return out;
        }
        try (var it = CSV.readerFor(SweepRow.class).with(CsvSchema.emptySchema().withHeader())
                .<SweepRow>readValues(file.toFile())) {
            return it.readAll();
        }
    }
}
