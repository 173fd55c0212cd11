        -- The columns of a ranked page of page groups (pages_ranked, pages_ranked_p75).
        page_group,
        n AS samples,
        n_poor AS poor,
        if(n = 0, 0., n_poor / n) AS poor_share,
        n_poor AS impact,
        count() OVER () AS total,
