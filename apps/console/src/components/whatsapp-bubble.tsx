/** Placeholders as WhatsApp shows them to the recipient in a preview: `{{name}}` and `{orders.id}` stay visible. */
function highlight(text: string) {
  return text.split(/(\{\{?[\w.]+\}?\})/g).map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part));
}

/** A preview of a template message as it lands on a phone: image, body with *bold* placeholders, buttons below. */
export function WhatsAppBubble(props: { message: string; imgUrl?: string; buttons: readonly string[]; business: string }) {
  const buttons = props.buttons.filter((b) => b.trim() !== '');
  return (
    <figure class="wa-phone" aria-label="WhatsApp preview">
      <div class="wa-header">{props.business}</div>
      <div class="wa-chat">
        <div class="wa-bubble" data-testid="wa-bubble">
          {props.imgUrl ? <img src={props.imgUrl} alt="The message's header image" class="wa-image" /> : null}
          <p class="wa-text">{props.message.trim() === '' ? <span class="muted">Your message appears here.</span> : highlight(props.message)}</p>
          <span class="wa-time" aria-hidden="true">
            {new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}
          </span>
        </div>
        {buttons.length > 0 ? (
          <ul class="wa-buttons" aria-label="Buttons">
            {buttons.map((b, i) => (
              <li key={i} class="wa-button">
                {b}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <figcaption class="visually-hidden">What recipients will see; placeholders are filled per contact.</figcaption>
    </figure>
  );
}
