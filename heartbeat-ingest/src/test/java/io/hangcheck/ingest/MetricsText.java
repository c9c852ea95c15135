package io.hangcheck.ingest;

import static io.restassured.RestAssured.given;

/** Reads one series of ingest's {@code /metrics} (Prometheus text), so tests compare numbers, not presence. */
public final class MetricsText {

    private MetricsText() {
    }

    /** The value of {@code series} (name and labels exactly as printed), or -1 when it is not exported. */
    public static double value(String series) {
        // Connection: close — RestAssured leaves a kept-alive connection open until its client is garbage collected,
        // holding a slot of ingest's connection budget for tens of seconds (ConnectionBudgetTest counts them)
        String body = given().header("Connection", "close").get("/metrics").then().statusCode(200).extract().asString();
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return -1;
    }

    public static double rejected(String transport, String reason) {
        return value("hangcheck_ingest_rejected_total{transport=\"" + transport + "\",reason=\"" + reason + "\",}");
    }
}
