-- =============================================================================================
-- Analyst views over the fulfilment snapshot. Every KPI formula is written here, once, with its
-- definition in the comment above it; the HTML report and the Prefect artifact read these views
-- and macros (with bound parameters) and never restate a formula.
--
-- Conventions
--   * Times are TIMESTAMPTZ instants. "day" and "hour" buckets are India time (Asia/Kolkata).
--   * Durations are hours (DOUBLE). Rates are fractions 0..1, NULL when the denominator is 0.
--   * Percentiles are quantile_cont (linear interpolation): p50 = median, p95.
--   * Windowed KPIs are table macros `name(since, until)` over shipments whose order was paid in
--     [since, until) (orders: created in the window); `v_name` is the same macro over all time.
--     Example: SELECT * FROM courier_performance(TIMESTAMPTZ '2026-11-01', TIMESTAMPTZ '2026-12-01');
--   * "Now" for current-state views (stuck, open SLA breaches) is the latest snapshot's taken_at.
-- =============================================================================================

-- v_snapshot_clock: as_of = taken_at of the latest snapshot (now() before the first one).
CREATE OR REPLACE VIEW v_snapshot_clock AS
SELECT coalesce(max(taken_at), now()) AS as_of FROM snapshot_meta;

-- v_order_paid: one row per order with its paid time.
--   paid_at = earliest updated_at of a payments row with status 'completed' for the order (the
--             payment webhook's write), otherwise the order's created_at.
--   APPROXIMATION: the storefront stores no paid timestamp. Prepaid checkout marks an order paid
--   within seconds of creating it, and COD orders are only paid on delivery, so created_at
--   stands in for "paid" (the time the order became shippable). paid_at_source says which.
CREATE OR REPLACE VIEW v_order_paid AS
SELECT o.order_id,
       o.created_at,
       coalesce(p.paid_at, o.created_at) AS paid_at,
       CASE WHEN p.paid_at IS NULL THEN 'order_created' ELSE 'payment' END AS paid_at_source
FROM orders o
LEFT JOIN (
    SELECT order_id, min(updated_at) AS paid_at
    FROM payments
    WHERE status = 'completed'
    GROUP BY order_id
) p USING (order_id);

-- v_orders_per_hour: orders created per India-time hour.
--   orders = count of orders; order_value = sum(total_amount); cod_orders = payment_method 'cod'.
CREATE OR REPLACE VIEW v_orders_per_hour AS
SELECT date_trunc('hour', created_at AT TIME ZONE 'Asia/Kolkata') AS hour_ist,
       count(*) AS orders,
       sum(total_amount) AS order_value,
       count(*) FILTER (WHERE payment_method = 'cod') AS cod_orders
FROM orders
WHERE created_at IS NOT NULL
GROUP BY ALL
ORDER BY hour_ist;

-- v_orders_per_day: the same per India-time calendar day.
CREATE OR REPLACE VIEW v_orders_per_day AS
SELECT CAST(created_at AT TIME ZONE 'Asia/Kolkata' AS DATE) AS day_ist,
       count(*) AS orders,
       sum(total_amount) AS order_value,
       count(*) FILTER (WHERE payment_method = 'cod') AS cod_orders
FROM orders
WHERE created_at IS NOT NULL
GROUP BY ALL
ORDER BY day_ist;

-- v_shipment_events: tracking scans summarised per shipment (order_id, shipment_key).
--   first_pickup_scan_at    = first scan with status 'picked_up'
--   first_delivered_scan_at = first scan with status 'delivered'
--   ndr_events              = number of 'delivery_failed' scans (NDR: a failed delivery attempt)
--   first_rto_scan_at       = first scan with status rto_initiated / rto_in_transit / rto_delivered
CREATE OR REPLACE VIEW v_shipment_events AS
SELECT order_id,
       shipment_key,
       min(scan_at) FILTER (WHERE status = 'picked_up') AS first_pickup_scan_at,
       min(scan_at) FILTER (WHERE status = 'delivered') AS first_delivered_scan_at,
       count(*) FILTER (WHERE status = 'delivery_failed') AS ndr_events,
       min(scan_at) FILTER (
           WHERE status IN ('rto_initiated', 'rto_in_transit', 'rto_delivered')
       ) AS first_rto_scan_at,
       max(scan_at) AS last_scan_at
FROM tracking_events
GROUP BY ALL;

-- v_shipment_facts: one row per planned shipment (fulfilment rows other than the '00' rows of
-- orders that could not be planned), with every time and flag the KPIs use.
--   has_awb       = an AWB is recorded.
--   awb_at        = when the AWB was assigned: awb_assigned_at, else shipped_at (the chain
--                   completed right after the AWB), else updated_at while tracking has not yet
--                   touched the item (its last write was the chain's). Legacy rows (shipped by
--                   the old code) use awb_assigned_at only. NULL without an AWB.
--   picked_up_at  = fulfilment picked_up_at, else the first 'picked_up' scan.
--   delivered_at  = fulfilment delivered_at, else the first 'delivered' scan.
--   ndr_attempts  = greatest(ndr_count, number of 'delivery_failed' scans).
--   is_rto        = rto_initiated_at set, or tracking_status rto_*, or any rto_* scan.
--   dispatched    = the parcel left the seller: picked up, delivered, RTO or any NDR.
--   delivered     = delivered_at is set (forward delivery to the customer).
--   first_attempt_delivered = delivered and ndr_attempts = 0.
--   on_time       = delivered_at <= eta; NULL when not delivered or no ETA.
--   paid_to_awb_h, paid_to_pickup_h, awb_to_pickup_h (pickup delay), pickup_to_delivery_h
--   (transit time), paid_to_delivery_h = hours between those instants.
CREATE OR REPLACE VIEW v_shipment_facts AS
WITH base AS (
    SELECT f.order_id,
           f.shipment_key,
           f.shipment_id,
           f.status,
           f.tracking_status,
           coalesce(f.courier_name, 'unknown') AS courier_name,
           f.payment_method,
           f.destination_city AS ship_city,
           f.destination_state AS ship_state,
           f.destination_pin3 AS pin_prefix,
           f.awb,
           f.awb IS NOT NULL AS has_awb,
           coalesce(p.paid_at, f.order_created_at) AS paid_at,
           coalesce(p.paid_at_source, 'order_created') AS paid_at_source,
           CASE
               WHEN f.awb IS NULL THEN NULL
               WHEN f.status = 'legacy' THEN f.awb_assigned_at
               ELSE coalesce(
                   f.awb_assigned_at,
                   f.shipped_at,
                   CASE WHEN f.tracking_updated_at IS NULL THEN f.updated_at END
               )
           END AS awb_at,
           coalesce(f.picked_up_at, e.first_pickup_scan_at) AS picked_up_at,
           coalesce(f.delivered_at, e.first_delivered_scan_at) AS delivered_at,
           f.eta,
           f.last_event_at,
           f.retired_at,
           greatest(coalesce(f.ndr_count, 0), coalesce(e.ndr_events, 0)) AS ndr_attempts,
           (f.rto_initiated_at IS NOT NULL
               OR coalesce(starts_with(f.tracking_status, 'rto_'), false)
               OR e.first_rto_scan_at IS NOT NULL) AS is_rto
    FROM fulfilment f
    LEFT JOIN v_order_paid p USING (order_id)
    LEFT JOIN v_shipment_events e USING (order_id, shipment_key)
    WHERE f.shipment_key <> '00'
)
SELECT *,
       (picked_up_at IS NOT NULL OR delivered_at IS NOT NULL OR is_rto OR ndr_attempts > 0)
           AS dispatched,
       delivered_at IS NOT NULL AS delivered,
       (delivered_at IS NOT NULL AND ndr_attempts = 0) AS first_attempt_delivered,
       CASE WHEN delivered_at IS NOT NULL AND eta IS NOT NULL THEN delivered_at <= eta END
           AS on_time,
       epoch(awb_at - paid_at) / 3600.0 AS paid_to_awb_h,
       epoch(picked_up_at - paid_at) / 3600.0 AS paid_to_pickup_h,
       epoch(picked_up_at - awb_at) / 3600.0 AS awb_to_pickup_h,
       epoch(delivered_at - picked_up_at) / 3600.0 AS pickup_to_delivery_h,
       epoch(delivered_at - paid_at) / 3600.0 AS paid_to_delivery_h
FROM base;

-- shipments_in(since, until): v_shipment_facts for orders paid in [since, until).
CREATE OR REPLACE MACRO shipments_in(since, until) AS TABLE
SELECT * FROM v_shipment_facts WHERE paid_at >= since AND paid_at < until;

-- shipment_creation(since, until): did the pipeline get an AWB for what it planned?
--   planned       = planned shipments, excluding legacy rows (the old code's AWBs)
--   created       = planned shipments with an AWB
--   failed        = planned shipments parked (status needs_attention) without an AWB
--   in_progress   = planned - created - failed (pending or retrying)
--   success_rate  = created / (created + failed): of the shipments whose creation has concluded,
--                   the share that got an AWB (in-flight work is neither success nor failure)
--   parked_orders = orders that could not be planned at all ('00' rows), paid in the window
CREATE OR REPLACE MACRO shipment_creation(since, until) AS TABLE
WITH s AS (SELECT * FROM shipments_in(since, until) WHERE status <> 'legacy')
SELECT count(*) AS planned,
       count(*) FILTER (WHERE has_awb) AS created,
       count(*) FILTER (WHERE NOT has_awb AND status = 'needs_attention') AS failed,
       count(*) FILTER (WHERE NOT has_awb AND status <> 'needs_attention') AS in_progress,
       count(*) FILTER (WHERE has_awb)::DOUBLE / nullif(
           count(*) FILTER (WHERE has_awb OR status = 'needs_attention'), 0
       ) AS success_rate,
       (SELECT count(*)
          FROM fulfilment f LEFT JOIN v_order_paid p USING (order_id)
         WHERE f.shipment_key = '00'
           AND coalesce(p.paid_at, f.order_created_at) >= since
           AND coalesce(p.paid_at, f.order_created_at) < until) AS parked_orders
FROM s;
CREATE OR REPLACE VIEW v_shipment_creation AS
SELECT * FROM shipment_creation('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

-- time_to_ship(since, until): paid -> AWB and paid -> courier pickup, in hours, p50 and p95,
-- over shipments this pipeline created (legacy rows excluded). n_* = shipments measured.
CREATE OR REPLACE MACRO time_to_ship(since, until) AS TABLE
SELECT count(paid_to_awb_h) AS n_awb,
       quantile_cont(paid_to_awb_h, 0.5) AS paid_to_awb_p50_h,
       quantile_cont(paid_to_awb_h, 0.95) AS paid_to_awb_p95_h,
       count(paid_to_pickup_h) AS n_pickup,
       quantile_cont(paid_to_pickup_h, 0.5) AS paid_to_pickup_p50_h,
       quantile_cont(paid_to_pickup_h, 0.95) AS paid_to_pickup_p95_h
FROM shipments_in(since, until)
WHERE status <> 'legacy';
CREATE OR REPLACE VIEW v_time_to_ship AS
SELECT * FROM time_to_ship('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

-- time_to_deliver(since, until): courier pickup -> delivered (transit) and paid -> delivered,
-- in hours, p50 and p95, over delivered shipments.
CREATE OR REPLACE MACRO time_to_deliver(since, until) AS TABLE
SELECT count(pickup_to_delivery_h) AS n_transit,
       quantile_cont(pickup_to_delivery_h, 0.5) AS pickup_to_delivery_p50_h,
       quantile_cont(pickup_to_delivery_h, 0.95) AS pickup_to_delivery_p95_h,
       count(paid_to_delivery_h) AS n_delivered,
       quantile_cont(paid_to_delivery_h, 0.5) AS paid_to_delivery_p50_h,
       quantile_cont(paid_to_delivery_h, 0.95) AS paid_to_delivery_p95_h
FROM shipments_in(since, until);
CREATE OR REPLACE VIEW v_time_to_deliver AS
SELECT * FROM time_to_deliver('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

-- delivery_quality(since, until): what happened to the parcels that left the seller.
--   first_attempt_delivery_rate = first_attempt_delivered / delivered
--   ndr_rate                    = dispatched shipments with >= 1 NDR / dispatched
--   rto_rate                    = dispatched shipments that went RTO / dispatched
CREATE OR REPLACE MACRO delivery_quality(since, until) AS TABLE
SELECT count(*) FILTER (WHERE dispatched) AS dispatched,
       count(*) FILTER (WHERE delivered) AS delivered,
       count(*) FILTER (WHERE first_attempt_delivered) AS first_attempt_delivered,
       count(*) FILTER (WHERE dispatched AND ndr_attempts > 0) AS ndr_shipments,
       count(*) FILTER (WHERE dispatched AND is_rto) AS rto_shipments,
       count(*) FILTER (WHERE first_attempt_delivered)::DOUBLE
           / nullif(count(*) FILTER (WHERE delivered), 0) AS first_attempt_delivery_rate,
       count(*) FILTER (WHERE dispatched AND ndr_attempts > 0)::DOUBLE
           / nullif(count(*) FILTER (WHERE dispatched), 0) AS ndr_rate,
       count(*) FILTER (WHERE dispatched AND is_rto)::DOUBLE
           / nullif(count(*) FILTER (WHERE dispatched), 0) AS rto_rate
FROM shipments_in(since, until);
CREATE OR REPLACE VIEW v_delivery_quality AS
SELECT * FROM delivery_quality('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

-- rto_by_courier / rto_by_state / rto_by_pin_prefix (since, until):
--   rto_rate = dispatched shipments that went RTO / dispatched shipments, per group
--   (state and PIN prefix are the destination's; pin_prefix = the PIN's first three digits).
--   Groups with no dispatched shipment are left out.
CREATE OR REPLACE MACRO rto_by_courier(since, until) AS TABLE
SELECT courier_name,
       count(*) FILTER (WHERE dispatched) AS dispatched,
       count(*) FILTER (WHERE dispatched AND is_rto) AS rto_shipments,
       count(*) FILTER (WHERE dispatched AND is_rto)::DOUBLE
           / nullif(count(*) FILTER (WHERE dispatched), 0) AS rto_rate
FROM shipments_in(since, until)
GROUP BY ALL
HAVING count(*) FILTER (WHERE dispatched) > 0
ORDER BY rto_rate DESC NULLS LAST, courier_name;
CREATE OR REPLACE VIEW v_rto_by_courier AS
SELECT * FROM rto_by_courier('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

CREATE OR REPLACE MACRO rto_by_state(since, until) AS TABLE
SELECT coalesce(ship_state, 'unknown') AS ship_state,
       count(*) FILTER (WHERE dispatched) AS dispatched,
       count(*) FILTER (WHERE dispatched AND is_rto) AS rto_shipments,
       count(*) FILTER (WHERE dispatched AND is_rto)::DOUBLE
           / nullif(count(*) FILTER (WHERE dispatched), 0) AS rto_rate
FROM shipments_in(since, until)
GROUP BY ALL
HAVING count(*) FILTER (WHERE dispatched) > 0
ORDER BY rto_rate DESC NULLS LAST, ship_state;
CREATE OR REPLACE VIEW v_rto_by_state AS
SELECT * FROM rto_by_state('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

CREATE OR REPLACE MACRO rto_by_pin_prefix(since, until) AS TABLE
SELECT coalesce(pin_prefix, 'unknown') AS pin_prefix,
       count(*) FILTER (WHERE dispatched) AS dispatched,
       count(*) FILTER (WHERE dispatched AND is_rto) AS rto_shipments,
       count(*) FILTER (WHERE dispatched AND is_rto)::DOUBLE
           / nullif(count(*) FILTER (WHERE dispatched), 0) AS rto_rate
FROM shipments_in(since, until)
GROUP BY ALL
HAVING count(*) FILTER (WHERE dispatched) > 0
ORDER BY rto_rate DESC NULLS LAST, pin_prefix;
CREATE OR REPLACE VIEW v_rto_by_pin_prefix AS
SELECT * FROM rto_by_pin_prefix('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

-- courier_performance(since, until), per courier:
--   shipments       = shipments with an AWB from this courier
--   pickup_delay_*  = awb_to_pickup_h (AWB assigned -> picked up), p50 / p95
--   transit_*       = pickup_to_delivery_h (picked up -> delivered), p50 / p95
--   on_time_rate    = delivered on or before the ETA / delivered shipments that had an ETA
--   ndr_rate, rto_rate as in delivery_quality
CREATE OR REPLACE MACRO courier_performance(since, until) AS TABLE
SELECT courier_name,
       count(*) FILTER (WHERE has_awb) AS shipments,
       count(*) FILTER (WHERE dispatched) AS dispatched,
       count(*) FILTER (WHERE delivered) AS delivered,
       quantile_cont(awb_to_pickup_h, 0.5) AS pickup_delay_p50_h,
       quantile_cont(awb_to_pickup_h, 0.95) AS pickup_delay_p95_h,
       quantile_cont(pickup_to_delivery_h, 0.5) AS transit_p50_h,
       quantile_cont(pickup_to_delivery_h, 0.95) AS transit_p95_h,
       count(*) FILTER (WHERE on_time)::DOUBLE
           / nullif(count(on_time), 0) AS on_time_rate,
       count(*) FILTER (WHERE dispatched AND ndr_attempts > 0)::DOUBLE
           / nullif(count(*) FILTER (WHERE dispatched), 0) AS ndr_rate,
       count(*) FILTER (WHERE dispatched AND is_rto)::DOUBLE
           / nullif(count(*) FILTER (WHERE dispatched), 0) AS rto_rate
FROM shipments_in(since, until)
WHERE has_awb
GROUP BY ALL
ORDER BY shipments DESC, courier_name;
CREATE OR REPLACE VIEW v_courier_performance AS
SELECT * FROM courier_performance('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

-- sla_breaches(since, until): one row per shipment and SLA it breached (targets: sla_targets).
--   paid_to_awb        : hours from paid_at to awb_at (or to as_of while there is no AWB)
--                        > target. Legacy and cancelled shipments are not measured.
--   paid_to_pickup     : hours from paid_at to picked_up_at (or to as_of while not dispatched)
--                        > target. Legacy and cancelled shipments are not measured.
--   pickup_to_delivery : hours from picked_up_at to delivered_at (or to as_of while undelivered)
--                        > target; RTO shipments are not measured.
--   delivery_vs_eta    : delivered_at (or as_of while undelivered) later than the ETA;
--                        hours_taken = hours late, target_hours = 0; RTO not measured.
--   is_open = the clock is still running (the end event has not happened as of the snapshot).
CREATE OR REPLACE MACRO sla_breaches(since, until) AS TABLE
WITH s AS (
    SELECT f.*, c.as_of
    FROM shipments_in(since, until) f CROSS JOIN v_snapshot_clock c
),
measured AS (
    SELECT order_id, shipment_key, courier_name, 'paid_to_awb' AS sla, paid_at AS started_at,
           awb_at AS ended_at, epoch(coalesce(awb_at, as_of) - paid_at) / 3600.0 AS hours_taken
    FROM s
    WHERE status <> 'legacy' AND coalesce(tracking_status, '') <> 'cancelled'
      AND (awb_at IS NOT NULL OR NOT has_awb)
    UNION ALL
    SELECT order_id, shipment_key, courier_name, 'paid_to_pickup', paid_at, picked_up_at,
           epoch(coalesce(picked_up_at, as_of) - paid_at) / 3600.0
    FROM s
    WHERE status <> 'legacy' AND coalesce(tracking_status, '') <> 'cancelled'
      AND (picked_up_at IS NOT NULL OR NOT dispatched)
    UNION ALL
    SELECT order_id, shipment_key, courier_name, 'pickup_to_delivery', picked_up_at,
           delivered_at, epoch(coalesce(delivered_at, as_of) - picked_up_at) / 3600.0
    FROM s
    WHERE picked_up_at IS NOT NULL AND NOT is_rto
)
SELECT m.order_id, m.shipment_key, m.courier_name, m.sla, t.target_hours, m.started_at,
       m.ended_at, m.hours_taken, m.ended_at IS NULL AS is_open
FROM measured m JOIN sla_targets t USING (sla)
WHERE m.hours_taken > t.target_hours
UNION ALL
SELECT order_id, shipment_key, courier_name, 'delivery_vs_eta', 0.0, eta, delivered_at,
       epoch(coalesce(delivered_at, as_of) - eta) / 3600.0, delivered_at IS NULL
FROM s
WHERE eta IS NOT NULL AND NOT is_rto AND coalesce(delivered_at, as_of) > eta;
CREATE OR REPLACE VIEW v_sla_breaches AS
SELECT * FROM sla_breaches('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

-- v_stuck_orders: orders and shipments that need a person now, with the reason.
--   order_parked         : the order could not be planned ('00' row, needs_attention);
--                          reason_code = last_error_code, reason = last_error_message
--   shipment_parked      : a planned shipment parked after a permanent error or too many tries
--   retrying             : a shipment waiting for its next automatic retry
--   no_tracking_movement : an AWB still moving (not delivered, RTO-delivered, cancelled or lost)
--                          whose last scan (else pickup, else AWB time) is older than the
--                          'tracking_stale' target
--   hours_stuck = hours from `since` (the item's last update, or the last movement) to as_of.
CREATE OR REPLACE VIEW v_stuck_orders AS
WITH c AS (SELECT as_of FROM v_snapshot_clock),
parked AS (
    SELECT f.order_id, f.shipment_key,
           CASE WHEN f.shipment_key = '00' THEN 'order_parked' ELSE 'shipment_parked' END AS kind,
           coalesce(f.last_error_code, 'unknown') AS reason_code,
           coalesce(f.last_error_message, f.rejection_codes) AS reason,
           coalesce(f.courier_name, 'unknown') AS courier_name,
           f.updated_at AS since, f.attempts
    FROM fulfilment f
    WHERE f.status = 'needs_attention'
    UNION ALL
    SELECT f.order_id, f.shipment_key, 'retrying', coalesce(f.last_error_code, 'unknown'),
           f.last_error_message, coalesce(f.courier_name, 'unknown'), f.updated_at, f.attempts
    FROM fulfilment f
    WHERE f.status = 'retrying'
    UNION ALL
    SELECT s.order_id, s.shipment_key, 'no_tracking_movement', 'tracking_stale',
           'no scan since ' || strftime(coalesce(s.last_event_at, s.picked_up_at, s.awb_at),
                                         '%Y-%m-%d %H:%M UTC'),
           s.courier_name, coalesce(s.last_event_at, s.picked_up_at, s.awb_at), NULL
    FROM v_shipment_facts s, c, sla_targets t
    WHERE t.sla = 'tracking_stale'
      AND s.has_awb AND s.status <> 'needs_attention' AND s.retired_at IS NULL
      AND NOT s.delivered
      AND coalesce(s.tracking_status, '') NOT IN ('rto_delivered', 'cancelled', 'lost')
      AND epoch(c.as_of - coalesce(s.last_event_at, s.picked_up_at, s.awb_at)) / 3600.0
          > t.target_hours
)
SELECT p.*, epoch(c.as_of - p.since) / 3600.0 AS hours_stuck
FROM parked p, c
ORDER BY kind, since;

-- escalations_by_category(since, until): escalations raised (created_at) in the window.
--   escalations = rows; open = not yet delivered to the ticket system (state <> 'delivered');
--   tickets = distinct ticket keys (one ticket collects repeats of the same fingerprint).
CREATE OR REPLACE MACRO escalations_by_category(since, until) AS TABLE
SELECT * FROM (
    SELECT coalesce(category, 'unknown') AS category,
           coalesce(severity, 'unknown') AS severity,
           count(*) AS escalations,
           count(*) FILTER (WHERE coalesce(state, '') <> 'delivered') AS open,
           count(DISTINCT ticket_key) AS tickets
    FROM escalations
    WHERE created_at >= since AND created_at < until
    GROUP BY ALL
)
ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
         WHEN 'low' THEN 3 ELSE 4 END, category;
CREATE OR REPLACE VIEW v_escalations_by_category AS
SELECT * FROM escalations_by_category('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);

-- v_notifications_by_kind: customer notices per kind and delivery state (sent, skipped, ...).
CREATE OR REPLACE VIEW v_notifications_by_kind AS
SELECT notification_kind, state, count(*) AS notifications
FROM notifications
GROUP BY ALL
ORDER BY notification_kind, state;

-- kpi_headline(since, until): the report's headline, one row.
--   orders / order_value : orders created in the window (count, sum of total_amount)
--   creation_success_rate, time-to-ship and time-to-deliver percentiles, first-attempt, NDR and
--   RTO rates: as defined in the macros above, for shipments paid in the window
--   sla_breaches         : rows of sla_breaches(since, until)
--   stuck_now            : rows of v_stuck_orders (current state, not windowed)
--   open_escalations     : escalations not yet delivered to the ticket system (current state)
CREATE OR REPLACE MACRO kpi_headline(since, until) AS TABLE
SELECT o.orders, o.order_value,
       sc.planned AS planned_shipments, sc.created AS shipments_created,
       sc.success_rate AS creation_success_rate, sc.parked_orders,
       ts.paid_to_awb_p50_h, ts.paid_to_awb_p95_h,
       ts.paid_to_pickup_p50_h, ts.paid_to_pickup_p95_h,
       td.pickup_to_delivery_p50_h, td.pickup_to_delivery_p95_h,
       dq.dispatched, dq.delivered,
       dq.first_attempt_delivery_rate, dq.ndr_rate, dq.rto_rate,
       (SELECT count(*) FROM sla_breaches(since, until)) AS sla_breaches,
       (SELECT count(*) FROM v_stuck_orders) AS stuck_now,
       (SELECT count(*) FROM escalations WHERE coalesce(state, '') <> 'delivered')
           AS open_escalations
FROM (SELECT count(*) AS orders, coalesce(sum(total_amount), 0) AS order_value
        FROM orders WHERE created_at >= since AND created_at < until) o,
     shipment_creation(since, until) sc,
     time_to_ship(since, until) ts,
     time_to_deliver(since, until) td,
     delivery_quality(since, until) dq;
CREATE OR REPLACE VIEW v_kpi_headline AS
SELECT * FROM kpi_headline('-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ);
