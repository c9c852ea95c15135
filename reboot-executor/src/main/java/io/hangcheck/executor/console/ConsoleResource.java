package io.hangcheck.executor.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.SocketSnapshot;
import io.hangcheck.executor.console.Views.*;
import io.hangcheck.executor.domain.FleetStatus;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.executor.domain.InventoryEntry;
import io.hangcheck.executor.domain.PauseState;
import io.hangcheck.executor.domain.Silence;
import io.hangcheck.executor.domain.Verdict;
import io.hangcheck.executor.rest.AdminResource;
import io.hangcheck.executor.rest.BadInput;
import io.hangcheck.executor.rest.BearerAuthFilter;
import io.hangcheck.executor.service.Decider;
import io.hangcheck.executor.service.HostStateView;
import io.hangcheck.executor.store.Inventory;
import io.hangcheck.executor.store.KillSwitch;
import io.hangcheck.executor.store.Quarantines;
import io.hangcheck.executor.store.Silences;
import io.hangcheck.support.Problem;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The operator console at {@code /}: server-side rendered pages over what the executor already holds (the
 * compacted host state, the fleet view, the ledger, pause, silences, inventory, notifications), the evaluator's
 * host detail and the socket monitor's view fetched server-side. Every page needs a signed-in session; every
 * action needs the operator role, the session's CSRF token and a confirmation, goes through the admin API's own
 * methods (same validation, same authors) and is written to the audit trail, refused ones included.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {
    private static final Logger LOG = Logger.getLogger(ConsoleResource.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance login(String error);

        static native TemplateInstance fleet(Frame f, Fleet m);

        static native TemplateInstance host(Frame f, Host m);

        static native TemplateInstance activity(Frame f, Activity m);

        static native TemplateInstance sockets(Frame f, Sockets m);

        static native TemplateInstance confirm(Frame f, Confirm m);

        static native TemplateInstance problem(Frame f, String heading, String message);
    }

    @Inject
    Sessions sessions;
    @Inject
    ConsoleConfig config;
    @Inject
    ConsoleStore consoleStore;
    @Inject
    Peers peers;
    @Inject
    HostStateView hostStates;
    @Inject
    FleetView fleetView;
    @Inject
    KillSwitch killSwitch;
    @Inject
    Silences silenceTable;
    @Inject
    Inventory inventoryTable;
    @Inject
    Quarantines quarantines;
    @Inject
    Decider decider;
    @Inject
    AdminResource admin;
    @Inject
    Clock clock;

    // ---- sign-in ----

    @GET
    @Path("console/login")
    @Operation(hidden = true)
    public Response loginPage() {
        return page(Templates.login(null), Response.Status.OK);
    }

    @POST
    @Path("console/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response login(@FormParam("token") String token, @FormParam("name") String name, @Context UriInfo uri) {
        if (name != null && name.length() > 100) {
            return page(Templates.login("name: at most 100 characters"), Response.Status.BAD_REQUEST);
        }
        Optional<Sessions.Session> s = sessions.signIn(token, name);
        if (s.isEmpty()) {
            LOG.warnf("console: sign-in refused (%s)", token == null || token.isBlank() ? "no token" : "unknown token");
            return page(Templates.login(token == null || token.isBlank() ? "token: a token is required" : "token: this token is not known"),
                    Response.Status.UNAUTHORIZED);
        }
        return Response.seeOther(URI.create("/")).cookie(cookie(s.get().id(), uri, Duration.ofDays(1))).build();
    }

    @POST
    @Path("console/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response logout(@CookieParam(Sessions.COOKIE) String sid, @FormParam("csrf") String csrf, @Context UriInfo uri) {
        sessions.find(sid).filter(s -> Sessions.csrfMatches(s, csrf)).ifPresent(s -> sessions.signOut(s.id()));
        return Response.seeOther(URI.create("/console/login")).cookie(cookie("", uri, Duration.ZERO)).build();
    }

    // ---- pages ----

    @GET
    @Operation(hidden = true)
    public Response fleet(@CookieParam(Sessions.COOKIE) String sid, @QueryParam("state") String state,
                          @QueryParam("label") String label, @QueryParam("q") String q, @QueryParam("sort") String sort,
                          @QueryParam("dir") String dir, @QueryParam("page") Integer page, @QueryParam("size") Integer size,
                          @QueryParam("done") String done) {
        return signedIn(sid, s -> {
            HostStatus st = parseState(state);
            String lk = null;
            String lv = null;
            if (label != null && !label.isBlank()) {
                int eq = label.indexOf('=');
                lk = eq < 0 ? label.strip() : label.substring(0, eq).strip();
                lv = eq < 0 ? null : label.substring(eq + 1).strip();
            }
            HostTable.Sort so = HostTable.Sort.parse(sort);
            boolean desc = "desc".equalsIgnoreCase(dir);
            int sz = size == null ? config.pageSize() : size;
            HostTable.Page p = HostTable.page(hostStates.all(),
                    new HostTable.Query(st, lk, lv, q, so, desc, page == null ? 0 : page, sz));
            Map<String, String> base = new LinkedHashMap<>();
            base.put("state", st == null ? null : st.name());
            base.put("label", blankToNull(label));
            base.put("q", blankToNull(q));
            base.put("sort", so.name().toLowerCase());
            base.put("dir", desc ? "desc" : null);
            base.put("size", size == null ? null : Integer.toString(sz));
            List<StateCount> counts = new ArrayList<>();
            for (HostStatus h : HostStatus.values()) {
                counts.add(new StateCount(h.name(), p.byState().get(h), href("/", with(base, "state", h.name(), "page", null)), h == st));
            }
            List<Link> sorts = new ArrayList<>();
            for (HostTable.Sort o : HostTable.Sort.values()) {
                boolean cur = o == so;
                sorts.add(new Link(o.name().toLowerCase().replace('_', ' ') + (cur ? (desc ? " ↓" : " ↑") : ""),
                        href("/", with(base, "sort", o.name().toLowerCase(), "dir", cur && !desc ? "desc" : null, "page", null)), cur));
            }
            Instant now = clock.instant();
            List<HostRow> rows = p.rows().stream().map(h -> new HostRow(h.hostId(), hostHref(h.hostId()), h.status().name(),
                    ago(h.since(), now), ago(h.lastSeenAt(), now), nz(h.via()), labels(h.labels()), nz(h.incidentId()))).toList();
            FleetStatus fs = fleetView.status();
            List<EvaluatorLine> evs = fleetView.reports().values().stream().sorted(Comparator.comparing(FleetHealth::evaluatorId))
                    .map(r -> new EvaluatorLine(r.evaluatorId(), r.mode().name(), r.reasons(), r.trackedHosts(), r.silentHosts(), ago(r.at(), now)))
                    .toList();
            List<FleetHealth> reports = List.copyOf(fleetView.reports().values());
            List<GroupLine> groups = groupLines(reports, now);
            int unlisted = 0;
            for (FleetHealth r : reports) {
                unlisted += r.unhealthyGroups() == null ? 0 : Math.max(0, r.unhealthyGroups() - r.groups().size());
            }
            int quarantined = safe(() -> quarantines.count(), -1);
            int silences = safe(() -> silenceTable.notEnded(now).size(), -1);
            int pg = p.page();
            Fleet m = new Fleet(counts, p.fleet(), fs.mode().name(), fs.reasons(), evs, groups, unlisted, quarantined, silences,
                    rows, p.matched(),
                    pg + 1, p.pages(), pg > 0 ? href("/", with(base, "page", Integer.toString(pg - 1))) : null,
                    pg + 1 < p.pages() ? href("/", with(base, "page", Integer.toString(pg + 1))) : null,
                    st == null ? "" : st.name(), nz(label), nz(q), so.name().toLowerCase(), desc, sorts,
                    Arrays.stream(HostStatus.values()).map(Enum::name).toList(), sz);
            return page(Templates.fleet(frame(s, "Fleet", "fleet", done, null), m), Response.Status.OK);
        });
    }

    @GET
    @Path("console/hosts/{id}")
    @Operation(hidden = true)
    public Response host(@CookieParam(Sessions.COOKIE) String sid, @PathParam("id") String id, @QueryParam("done") String done) {
        return signedIn(sid, s -> {
            try {
                BadInput.hostId(id, "id");
            } catch (BadInput e) {
                return page(Templates.problem(frame(s, "Not a host id", "fleet", null, null), "Not a host id", e.getMessage()),
                        Response.Status.BAD_REQUEST);
            }
            return page(Templates.host(frame(s, id, "fleet", done, null), hostModel(id)), Response.Status.OK);
        });
    }

    @GET
    @Path("console/activity")
    @Operation(hidden = true)
    public Response activity(@CookieParam(Sessions.COOKIE) String sid, @QueryParam("host") String host,
                             @QueryParam("decision") String decision, @QueryParam("reason") String reason,
                             @QueryParam("before") Long before, @QueryParam("channel") String channel,
                             @QueryParam("status") String status, @QueryParam("nbefore") Long nbefore,
                             @QueryParam("done") String done) {
        return signedIn(sid, s -> {
            String h = blankToNull(host);
            String d = enumName(decision, RebootDecision.class);
            String r = enumName(reason, RebootReason.class);
            String ch = blankToNull(channel);
            String stt = blankToNull(status);
            int limit = config.pageSize();
            Instant now = clock.instant();
            List<LedgerRowView> ledger = List.of();
            List<NotificationView> notes = List.of();
            List<AuditView> audit = List.of();
            List<SilenceView> silences = List.of();
            String failure = null;
            try {
                ledger = consoleStore.ledger(h, d, r, before, limit).stream().map(this::ledgerView).toList();
                notes = consoleStore.notifications(ch, stt, null, nbefore, limit).stream()
                        .map(n -> new NotificationView(n.id(), TIME.format(n.at()), n.channel(), n.groupKey(), n.subject(), n.alerts(),
                                n.status(), nz(n.error()))).toList();
                audit = consoleStore.audit(null, limit).stream().map(ConsoleResource::auditView).toList();
                silences = silenceTable.notEnded(now).stream().map(x -> silenceView(x, now)).toList();
            } catch (RuntimeException e) {
                failure = "database unavailable: " + e.getMessage();
            }
            Map<String, String> base = new LinkedHashMap<>();
            base.put("host", h);
            base.put("decision", d);
            base.put("reason", r);
            base.put("channel", ch);
            base.put("status", stt);
            String nextLedger = ledger.size() == limit ? href("/console/activity", with(base, "before", Long.toString(ledger.get(ledger.size() - 1).id()))) : null;
            String nextNotes = notes.size() == limit ? href("/console/activity", with(base, "nbefore", Long.toString(notes.get(notes.size() - 1).id()))) : null;
            Activity m = new Activity(ledger, nextLedger, notes, nextNotes, audit, silences, nz(h), nz(d), nz(r), nz(ch), nz(stt),
                    Arrays.stream(RebootDecision.values()).map(Enum::name).toList(),
                    Arrays.stream(RebootReason.values()).map(Enum::name).toList(), failure);
            return page(Templates.activity(frame(s, "Ledger and notifications", "activity", done, null), m), Response.Status.OK);
        });
    }

    @GET
    @Path("console/sockets")
    @Operation(hidden = true)
    public Response sockets(@CookieParam(Sessions.COOKIE) String sid) {
        return signedIn(sid, s -> {
            Peers.Fetched<SocketSnapshot> snap = peers.sockets();
            Peers.Fetched<List<LeakAlert>> alerts = peers.leakAlerts();
            Instant now = clock.instant();
            SocketSnapshot v = snap.value();
            List<AlertView> al = alerts.value() == null ? List.of() : alerts.value().stream()
                    .map(a -> new AlertView(a.kind().name(), a.status().name(), ago(a.openedAt(), now), nz(a.summary()),
                            String.join(", ", a.peers()), a.secondsToExhaustion() == null ? "" : "limit in about " + Math.round(a.secondsToExhaustion()) + " s"))
                    .toList();
            Sockets m;
            if (v == null) {
                m = new Sockets(snap.failure(), "", "", 0, 0, "", List.of(), List.of(), "", "", alerts.failure(), al);
            } else {
                List<PeerLine> top = v.peers().stream().sorted(Comparator.comparingInt(SocketSnapshot.PeerCount::total).reversed()).limit(20)
                        .map(pc -> new PeerLine(pc.peer(), nz(pc.name()), pc.total(), states(pc.byState()))).toList();
                List<Pair> byState = v.byState().entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                        .map(e -> new Pair(e.getKey(), Integer.toString(e.getValue()))).toList();
                String usage = v.limit() > 0 ? Math.round(100.0 * v.total() / v.limit()) + " %" : "no limit known";
                String forecast = v.forecastSecondsToExhaustion() == null ? "no exhaustion forecast (not growing towards the limit)"
                        : "the limit is reached in about " + Math.round(v.forecastSecondsToExhaustion()) + " s";
                String growth = v.growthPerMinute() == null ? "" : String.format("%.1f sockets per minute", v.growthPerMinute());
                m = new Sockets(null, nz(v.node()), ago(v.at(), now), v.total(), v.limit(), usage, byState, top, forecast, growth,
                        alerts.failure(), al);
            }
            return page(Templates.sockets(frame(s, "Sockets", "sockets", null, null), m), Response.Status.OK);
        });
    }

    // ---- actions ----

    /** The actions of the console; each needs the operator role, the CSRF token and a confirmation. */
    enum Action {
        PAUSE("Pause all reboots"),
        RESUME("Resume reboots"),
        SILENCE("Add a silence"),
        EXPIRE("Expire a silence"),
        REBOOT("Reboot a host"),
        RELEASE("Release a host from quarantine");

        final String heading;

        Action(String heading) {
            this.heading = heading;
        }
    }

    @POST
    @Path("console/action")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response act(@CookieParam(Sessions.COOKIE) String sid, @FormParam("csrf") String csrf, @FormParam("action") String action,
                        @FormParam("confirm") String confirm, @FormParam("host") String host, @FormParam("reason") String reason,
                        @FormParam("duration") String duration, @FormParam("labelKey") String labelKey,
                        @FormParam("labelValue") String labelValue, @FormParam("silence") String silence,
                        @FormParam("force") String force, @FormParam("requestId") String requestId, @FormParam("back") String back) {
        return signedIn(sid, s -> {
            String ret = safeBack(back);
            if (!Sessions.csrfMatches(s, csrf)) {
                LOG.warnf("console: form without a valid CSRF token refused (action %s)", action);
                return page(Templates.problem(frame(s, "Refused", null, null, null), "Refused",
                        "csrf: the form's token does not match this session; reload the page and try again"), Response.Status.FORBIDDEN);
            }
            Action a;
            try {
                a = Action.valueOf(nz(action).toUpperCase());
            } catch (IllegalArgumentException e) {
                return page(Templates.problem(frame(s, "Refused", null, null, null), "Refused", "action: unknown action"), Response.Status.BAD_REQUEST);
            }
            String role = sessions.roleOf(s.token()).orElse("unknown");
            String target = switch (a) {
                case PAUSE, RESUME -> "pause";
                case EXPIRE -> "silence " + nz(silence);
                case SILENCE -> host != null && !host.isBlank() ? nz(host) : nz(labelKey) + "=" + nz(labelValue);
                case REBOOT, RELEASE -> nz(host);
            };
            if (!BearerAuthFilter.OPERATOR.equals(role)) {
                safeAudit(actor(s), role, a.name(), target, blankToNull(reason), "refused: role " + role + " may not change anything");
                return page(Templates.problem(frame(s, "Refused", null, null, null), "Refused",
                        "role " + role + " may not change anything; sign in with an operator token"), Response.Status.FORBIDDEN);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("action", a.name());
            fields.put("host", blankToNull(host));
            fields.put("reason", blankToNull(reason));
            fields.put("duration", blankToNull(duration));
            fields.put("labelKey", blankToNull(labelKey));
            fields.put("labelValue", blankToNull(labelValue));
            fields.put("silence", blankToNull(silence));
            fields.put("force", "on".equals(force) || "true".equals(force) ? "true" : null);
            fields.put("back", ret);
            if (!"yes".equals(confirm)) {
                // a reboot asked twice (double click, back button) must not reboot twice: one request id per confirmation
                fields.put("requestId", a == Action.REBOOT ? "console-" + HexFormat.of().formatHex(randomBytes()) : null);
                return page(Templates.confirm(frame(s, "Confirm: " + a.heading, null, null, null), confirmation(a, fields)), Response.Status.OK);
            }
            fields.put("requestId", blankToNull(requestId));
            SecurityContext sc = asRole(role);
            String outcome;
            try {
                outcome = perform(a, fields, s, sc);
            } catch (BadInput e) {
                safeAudit(actor(s), role, a.name(), target, fields.get("reason"), "refused: " + e.field() + ": " + e.getMessage());
                return page(Templates.problem(frame(s, "Refused", null, null, null), "Refused", e.field() + ": " + e.getMessage()), Response.Status.BAD_REQUEST);
            } catch (RuntimeException e) {
                LOG.warnf(e, "console: %s of %s failed", a, target);
                safeAudit(actor(s), role, a.name(), target, fields.get("reason"), "failed: " + e.getMessage());
                return page(Templates.problem(frame(s, "Failed", null, null, null), "Failed", a.heading + " failed: " + e.getMessage()),
                        Response.Status.SERVICE_UNAVAILABLE);
            }
            safeAudit(actor(s), role, a.name(), target, fields.get("reason"), outcome);
            LOG.infof("console: %s %s by %s: %s", a, target, actor(s), outcome);
            return Response.seeOther(URI.create(ret + (ret.contains("?") ? "&" : "?") + "done=" + enc(outcome))).build();
        });
    }

    private String perform(Action a, Map<String, String> f, Sessions.Session s, SecurityContext sc) {
        String name = s.name();
        return switch (a) {
            case PAUSE -> {
                PauseState p = admin.pause(new AdminResource.PauseRequest(f.get("reason"), name), sc);
                yield "paused by " + p.author() + ": " + p.reason();
            }
            case RESUME -> {
                admin.resume(sc);
                yield "reboots resumed";
            }
            case SILENCE -> {
                String hostId = f.get("host");
                Response r = admin.addSilence(new AdminResource.SilenceRequest(hostId, hostId == null ? f.get("labelKey") : null,
                        hostId == null ? f.get("labelValue") : null, null, null, f.get("duration") == null ? "PT2H" : f.get("duration"),
                        name, f.get("reason")), sc);
                Silence x = (Silence) r.getEntity();
                yield "silence " + x.id() + " added until " + TIME.format(x.endsAt());
            }
            case EXPIRE -> {
                String id = f.get("silence");
                Response r = admin.deleteSilence(id);
                if (r.getStatus() == 404) {
                    throw new BadInput("silence", "no active silence " + id);
                }
                yield "silence " + id + " expired";
            }
            case REBOOT -> {
                BadInput.hostId(f.get("host"), "host");
                boolean force = f.get("force") != null;
                Response r = admin.reboot(f.get("host"), new AdminResource.RebootRequest(force, f.get("reason"), name, f.get("requestId")), sc);
                if (!(r.getEntity() instanceof Decider.Outcome o) || o.verdict() == null) {
                    // 409: a forced reboot while the host has an open attempt; the problem names it
                    throw new BadInput("host", r.getEntity() instanceof Problem p ? p.detail() : "refused (" + r.getStatus() + ")");
                }
                Verdict v = o.verdict();
                yield "reboot of " + f.get("host") + ": " + v.decision() + " " + v.reason() + " — " + v.reason().sentence();
            }
            case RELEASE -> {
                Response r = admin.release(f.get("host"));
                if (r.getStatus() == 404) {
                    throw new BadInput("host", "host " + f.get("host") + " is not quarantined");
                }
                yield f.get("host") + " released from quarantine";
            }
        };
    }

    private Confirm confirmation(Action a, Map<String, String> f) {
        List<String> lines = new ArrayList<>();
        List<VerdictView> whatIf = List.of();
        boolean danger = false;
        String button = "Confirm: " + a.heading.toLowerCase();
        switch (a) {
            case PAUSE -> lines.add("No host will be rebooted until someone resumes; detection keeps running. Reason: " + nz(f.get("reason")));
            case RESUME -> lines.add("Reboots will happen again, within every limit of the policy chain.");
            case SILENCE -> lines.add("No automatic reboot of " + (f.get("host") != null ? "host " + f.get("host")
                    : "hosts labelled " + nz(f.get("labelKey")) + "=" + nz(f.get("labelValue"))) + " for "
                    + (f.get("duration") == null ? "PT2H" : f.get("duration")) + ". Reason: " + nz(f.get("reason")));
            case EXPIRE -> lines.add("Silence " + nz(f.get("silence")) + " ends now; its hosts may be rebooted again.");
            case REBOOT -> {
                danger = true;
                String h = nz(f.get("host"));
                lines.add(f.get("force") != null
                        ? "FORCED: the chain is skipped (only the duplicate and inventory checks remain). Reason: " + nz(f.get("reason"))
                        : "The request goes through the policy chain; it is reset only if the chain allows it. Reason: " + nz(f.get("reason")));
                lines.add("What the chain would decide now for " + h + " (nothing has been written yet):");
                try {
                    whatIf = verdicts(decider.whatIf(BadInput.hostId(h, "host")));
                } catch (RuntimeException e) {
                    lines.add("what-if unavailable: " + e.getMessage());
                }
            }
            case RELEASE -> lines.add("Host " + nz(f.get("host")) + " leaves quarantine: automatic reboots of it may happen again.");
        }
        List<Pair> fields = f.entrySet().stream().filter(e -> e.getValue() != null).map(e -> new Pair(e.getKey(), e.getValue())).toList();
        return new Confirm(a.heading, lines, whatIf, fields, button, danger, f.get("back"));
    }

    // ---- host page ----

    private Host hostModel(String id) {
        Instant now = clock.instant();
        HostState st = hostStates.get(id);
        List<Pair> facts = new ArrayList<>();
        if (st != null) {
            facts.add(new Pair("state", st.status().name() + " since " + TIME.format(st.since()) + " (" + ago(st.since(), now) + ")"));
            facts.add(new Pair("last seen", TIME.format(st.lastSeenAt()) + " (" + ago(st.lastSeenAt(), now) + ")"));
            facts.add(new Pair("via", nz(st.via())));
            facts.add(new Pair("boot id", nz(st.bootId())));
            facts.add(new Pair("incident", nz(st.incidentId())));
            facts.add(new Pair("labels", labels(st.labels())));
            facts.add(new Pair("evaluator", nz(st.evaluatorId())));
        }
        Peers.Fetched<JsonNode> ev = peers.host(id);
        List<Pair> evaluator = new ArrayList<>();
        if (ev.value() != null) {
            ev.value().fields().forEachRemaining(e -> evaluator.add(new Pair(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString())));
        }
        List<LedgerRowView> ledger = List.of();
        Optional<InventoryEntry> inv = Optional.empty();
        List<SilenceView> silences = List.of();
        boolean quarantined = false;
        String dbFailure = null;
        try {
            ledger = consoleStore.ledger(id, null, null, null, 50).stream().map(this::ledgerView).toList();
            inv = inventoryTable.get(id);
            Map<String, String> labels = new HashMap<>(inv.map(InventoryEntry::labels).orElse(Map.of()));
            if (st != null) {
                labels.putAll(st.labels());
            }
            silences = silenceTable.notEnded(now).stream().filter(x -> x.matches(id, labels, now)).map(x -> silenceView(x, now)).toList();
            quarantined = quarantines.isQuarantined(id);
        } catch (RuntimeException e) {
            dbFailure = "database unavailable: " + e.getMessage();
        }
        List<Pair> inventory = new ArrayList<>();
        inv.ifPresent(e -> {
            inventory.add(new Pair("driver", e.driver()));
            inventory.add(new Pair("enabled", Boolean.toString(e.enabled())));
            inventory.add(new Pair("parameters", labels(e.params())));
            inventory.add(new Pair("labels", labels(e.labels())));
            inventory.add(new Pair("updated", TIME.format(e.updatedAt()) + " by " + e.updatedBy()));
        });
        List<VerdictView> whatIf = List.of();
        String whatIfFailure = dbFailure;
        if (dbFailure == null) {
            try {
                whatIf = verdicts(decider.whatIf(id));
            } catch (RuntimeException e) {
                whatIfFailure = "what-if unavailable: " + e.getMessage();
            }
        }
        String stateSentence = st == null ? "The executor has no state of this host from the evaluator (never seen, or forgotten)."
                : sentence(st.status());
        return new Host(id, st == null ? "UNKNOWN" : st.status().name(), stateSentence, facts, ev.failure(), evaluator, ledger,
                inv.map(InventoryEntry::driver).orElse(null), inventory, inv.isPresent(), silences, whatIf, whatIfFailure, quarantined,
                href("/console/activity", Map.of("host", id)));
    }

    private static String sentence(HostStatus s) {
        return switch (s) {
            case UP -> "Heartbeats arrive as expected.";
            case SUSPECT -> "Heartbeats are late; the evaluator is watching, nothing is done yet.";
            case HUNG -> "The evaluator decided the host is hung while its path was known healthy; the executor's chain decides what to do.";
            case HELD -> "The host is silent but the evaluator holds its verdict: the path is not known healthy (the fleet or its partition is in doubt).";
            case REBOOTING -> "A reset was executed; the evaluator waits for a heartbeat with a new boot id.";
        };
    }

    private static List<VerdictView> verdicts(Map<String, Verdict> byAsk) {
        return byAsk.entrySet().stream().map(e -> new VerdictView(
                "hung".equals(e.getKey()) ? "for a HUNG from the evaluator" : "for an operator's reboot",
                e.getValue().decision().name(), e.getValue().reason().name(), e.getValue().reason().sentence(),
                labels(e.getValue().detail()), e.getValue().acts())).toList();
    }

    // ---- helpers ----

    private Response signedIn(String sid, java.util.function.Function<Sessions.Session, Response> page) {
        Optional<Sessions.Session> s = sessions.find(sid);
        if (s.isEmpty()) {
            return Response.seeOther(URI.create("/console/login")).header("Cache-Control", "no-store").build();
        }
        return page.apply(s.get());
    }

    private Frame frame(Sessions.Session s, String title, String active, String flash, String error) {
        String role = sessions.roleOf(s.token()).orElse("unknown");
        PauseState p = safe(() -> killSwitch.pause(), null);
        FleetStatus fs = fleetView.status();
        String pauseText = p == null ? "pause state unknown: database unavailable"
                : p.paused() ? "Reboots are PAUSED by " + nz(p.author()) + (p.since() == null ? "" : " since " + TIME.format(p.since())) + ": " + nz(p.reason())
                : "Reboots are running";
        return new Frame(title, active, role, s.name() == null ? role : s.name() + " (" + role + ")", s.csrf(),
                BearerAuthFilter.OPERATOR.equals(role), blankToNull(flash), error, p != null && p.paused(), pauseText, fs.mode().name(),
                String.join("; ", fs.reasons()));
    }

    private static Response page(TemplateInstance t, Response.Status status) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(t.render())
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").build();
    }

    private static NewCookie cookie(String value, UriInfo uri, Duration maxAge) {
        return new NewCookie.Builder(Sessions.COOKIE).value(value).path("/").httpOnly(true)
                .secure("https".equals(uri.getBaseUri().getScheme())).sameSite(NewCookie.SameSite.STRICT)
                .maxAge((int) maxAge.toSeconds()).build();
    }

    private static SecurityContext asRole(String role) {
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> role;
            }

            @Override
            public boolean isUserInRole(String r) {
                return role.equals(r);
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return "console session";
            }
        };
    }

    private LedgerRowView ledgerView(ConsoleStore.LedgerLine l) {
        String sentence;
        try {
            sentence = RebootReason.valueOf(l.reason()).sentence();
        } catch (IllegalArgumentException e) {
            sentence = "";
        }
        String detail = l.detail() == null || "{}".equals(l.detail()) ? "" : l.detail();
        return new LedgerRowView(l.id(), TIME.format(l.at()), l.hostId(), hostHref(l.hostId()), l.decision(), l.reason(), sentence,
                nz(l.driver()), l.attempt(), l.incidentId(), detail);
    }

    private static AuditView auditView(ConsoleStore.AuditLine a) {
        return new AuditView(a.id(), TIME.format(a.at()), a.actor(), a.role(), a.action(), a.target(), nz(a.reason()), a.outcome());
    }

    private static SilenceView silenceView(Silence x, Instant now) {
        String matcher = x.hostId() != null ? "host " + x.hostId() : x.labelKey() + "=" + x.labelValue();
        return new SilenceView(x.id(), matcher, TIME.format(x.endsAt()) + " (in " + human(Duration.between(now, x.endsAt())) + ")",
                x.author(), x.reason());
    }

    private void safeAudit(String actor, String role, String action, String target, String reason, String outcome) {
        try {
            consoleStore.audit(clock.instant(), actor, role, action, target, reason, outcome);
        } catch (RuntimeException e) {
            LOG.errorf("console: could not write the audit row (%s %s by %s: %s): %s", action, target, actor, outcome, e.getMessage());
        }
    }

    private String actor(Sessions.Session s) {
        return s.name() == null ? "console" : s.name();
    }

    private static <T> T safe(Supplier<T> read, T fallback) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static HostStatus parseState(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return HostStatus.valueOf(state.strip().toUpperCase());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static <E extends Enum<E>> String enumName(String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase()).name();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Only a path of this site: an absolute or protocol-relative URL would make the console an open redirect. */
    static String safeBack(String back) {
        if (back == null || !back.startsWith("/") || back.startsWith("//") || back.contains("\\") || back.contains("\r") || back.contains("\n")) {
            return "/";
        }
        int done = back.indexOf("done=");
        return done > 0 ? back.substring(0, done - 1) : back;
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String href(String path, Map<String, String> params) {
        String q = params.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return q.isEmpty() ? path : path + "?" + q;
    }

    private static String hostHref(String hostId) {
        return "/console/hosts/" + enc(hostId);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String labels(Map<String, String> m) {
        return m == null || m.isEmpty() ? "" : new java.util.TreeMap<>(m).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String states(Map<String, Integer> m) {
        return m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /**
     * The unhealthy host groups of every evaluator's latest report, one row per group and evaluator (each judges the
     * part of a group on its own partitions): FROZEN first, then by silent share, then by group and evaluator.
     */
    static List<GroupLine> groupLines(List<FleetHealth> reports, Instant now) {
        record Line(FleetHealth.GroupHealth g, String evaluator) {
        }
        List<Line> all = new ArrayList<>();
        for (FleetHealth r : reports) {
            for (FleetHealth.GroupHealth g : r.groups()) {
                if (g.mode() != FleetMode.NORMAL) {
                    all.add(new Line(g, r.evaluatorId()));
                }
            }
        }
        all.sort(Comparator.comparing((Line l) -> l.g().mode() != FleetMode.FROZEN)
                .thenComparing(l -> -(double) l.g().silent() / Math.max(1, l.g().tracked()))
                .thenComparing(l -> l.g().group())
                .thenComparing(Line::evaluator));
        return all.stream().map(l -> new GroupLine(l.g().group(), l.g().mode().name(), l.g().silent(), l.g().tracked(),
                ago(l.g().since(), now), l.evaluator(), nz(l.g().reason()))).toList();
    }

    private static String ago(Instant t, Instant now) {
        if (t == null) {
            return "";
        }
        Duration d = Duration.between(t, now);
        return d.isNegative() ? "in " + human(d.negated()) : human(d) + " ago";
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s < 172800 ? s / 3600 + " h" : s / 86400 + " d";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }
}
