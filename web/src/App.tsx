import { useEffect, useRef } from 'react';
import { WalletButton, WalletNotice } from './components/Wallet.js';
import { Notice } from './components/ui.js';
import { AppProvider, useApp } from './context.js';
import { CreateProposal } from './pages/CreateProposal.js';
import { ProposalList } from './pages/ProposalList.js';
import { ProposalPage } from './pages/ProposalPage.js';
import { sameTypesAsService } from './typed-data.js';
import { Link, useLocation } from './router.js';

export function App() {
  return (
    <AppProvider>
      <Shell />
    </AppProvider>
  );
}

function Shell() {
  const { path } = useLocation();
  const { service, serviceError } = useApp();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // Moving to another page moves focus to it, so screen readers announce the new page.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);

  const proposal = /^\/proposals\/(0x[0-9a-fA-F]{64})\/?$/.exec(path);
  let page;
  if (path === '/' || path === '') page = <ProposalList />;
  else if (path === '/new') page = <CreateProposal />;
  else if (proposal) page = <ProposalPage key={proposal[1]} id={proposal[1]!.toLowerCase()} />;
  else
    page = (
      <section>
        <h1>Page not found</h1>
        <p>
          Nothing lives at <code>{path}</code>. <Link to="/">See all proposals</Link>.
        </p>
      </section>
    );
  const onList = path === '/' || path === '';

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand" aria-label="IoTeX Governance, all proposals">
            <span className="brand-mark" aria-hidden="true" />
            <span className="brand-name">
              IoTeX <span>Governance</span>
            </span>
          </Link>
          <nav aria-label="Main" className="main-nav">
            <Link to="/" aria-current={onList ? 'page' : undefined}>
              Proposals
            </Link>
            <Link to="/new" aria-current={path === '/new' ? 'page' : undefined}>
              New proposal
            </Link>
          </nav>
          <WalletButton />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="container">
        {serviceError && (
          <Notice tone="error" title="The service is not answering">
            <p>{serviceError.message}</p>
          </Notice>
        )}
        {service && !sameTypesAsService(service) && (
          <Notice tone="warning" title="This page is out of date">
            <p>The service accepts other message types than this page signs. Reload the page.</p>
          </Notice>
        )}
        {onList && <WalletNotice compact />}
        {page}
      </main>
      <footer className="site-footer">
        <div className="container footer-inner">
          <span>Gasless: messages are signed, never sent as transactions.</span>
          <span>Every message is pinned to IPFS and can be checked by anyone.</span>
          {service && <span>Chain id {service.chainId}</span>}
        </div>
      </footer>
    </>
  );
}
