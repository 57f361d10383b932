import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { App } from './App';
import { connect } from './api/client';

const connection = connect();
createRoot(document.getElementById('root')!).render(<App connection={connection} />);
