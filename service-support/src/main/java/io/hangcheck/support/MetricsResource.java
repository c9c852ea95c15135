package io.hangcheck.support;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Prometheus text exposition of the service's registry on {@code /metrics}. */
@Path("/metrics")
public class MetricsResource {

    @Inject
    CollectorRegistry registry;

    @GET
    @Produces(TextFormat.CONTENT_TYPE_004)
    @Operation(summary = "Prometheus metrics (text format 0.0.4)")
    public String scrape() {
        StringWriter out = new StringWriter(16 * 1024);
        try {
            TextFormat.write004(out, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
