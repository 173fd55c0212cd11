        -- Page groups of the window with at least min_samples (pages_ranked*).
        FROM {table:Identifier}
        WHERE site = {site:String}
          AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
        GROUP BY page_group
        HAVING n >= {min_samples:UInt64}
