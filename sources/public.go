package sources

import (
	"github.com/braid-feeds/braid/feed"
	"github.com/braid-feeds/braid/internal/urls"
)

// PublicOrigin is what readers may see of where a source's items came
// from. Subscriptions to private and paywalled feeds carry credentials
// in their URL, and every article feed holding one of their items would
// publish it: the URL is the source's public_url if set, nothing for a
// private source, else the fetched URL without userinfo or secret
// parameters.
func PublicOrigin(o feed.Origin, s Spec) feed.Origin {
	o.Name = s.Name
	switch {
	case s.Private:
		o.URL, o.Link, o.ID = "", "", ""
		return o
	case s.PublicURL != "":
		if o.ID == "" || o.ID == o.URL {
			o.ID = s.PublicURL
		}
		o.URL = s.PublicURL
	}
	o.URL, o.Link, o.ID = urls.Redact(o.URL), urls.Redact(o.Link), urls.Redact(o.ID)
	return o
}
