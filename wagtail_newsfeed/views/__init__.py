"""Admin views of wagtail-newsfeed (thin shells over ``wagtail_newsfeed.entry_rules``)."""
