    -- Every row of the window, `top` when its (source, name) pair is among the {limit} with
    -- the most samples (server_timings_series, server_timings_summary).
    SELECT *, (source, name) IN (
        SELECT source, name
        FROM {table:Identifier}
        WHERE site = {site:String}
          AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
        GROUP BY source, name
        ORDER BY sum(samples) DESC, source, name
        LIMIT {limit:UInt32}
    ) AS top
    FROM {table:Identifier}
    WHERE site = {site:String}
      AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
